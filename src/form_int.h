/*
 * form_int: what the files of the form module share and nobody else
 * (nothing outside src/form*.c includes it). form_share.c: diagnostics
 * and what every definition is checked against; form.c: a definition
 * loaded into struct form; form_check.c: the checks of a loaded one;
 * form_lint.c: the catalog and `rathaus lint`'s own checks.
 */
#ifndef RATHAUS_FORM_INT_H
#define RATHAUS_FORM_INT_H

#include <libxml/tree.h>
#include <libxml/relaxng.h>

#include "buf.h"
#include "form.h"

/* A file (`xml` NULL) or stored text read safely: no network, no DTD. */
xmlDocPtr form_parse(const char *path, const char *xml,
	    struct form_diag *diag);
/* forms/form.rng, parsed on first use and kept in the share. */
xmlRelaxNGPtr form_schema(struct form_share *s, struct form_diag *diag);
/* A definition's line of the known-good cache as it is now, or -1. */
int	 form_cache_line(const struct form_share *s, const char *path,
	    struct buf *line);
/* Remembers a definition that passed every check (best effort). */
void	 form_cache_add(struct form_share *s, const struct buf *line);
/* The root of code list data/codes/<name>.xml, loaded once; or NULL. */
xmlNodePtr form_codes(struct form_share *s, const char *name,
	    struct form_diag *diag);

/* What each kind of service (form, info, link) needs; sets f->kind. */
int	 form_check_kind(const char *path, struct form *f, xmlNodePtr root,
	    struct form_diag *diag);
/* login= and level= of the service; sets f->login and f->level. */
int	 form_check_login(const char *path, struct form *f, xmlNodePtr root,
	    struct form_diag *diag);
/* No prefill= in a service with login="none". */
int	 form_check_prefill(const struct form *f, const char *path,
	    struct form_diag *diag);
/* <at-least-one fields="..."/> names fields asked once. */
int	 form_check_at_least_one(const struct form *f, const char *path,
	    struct form_diag *diag);
/* "field:NAME" in a bound names another field of the same type. */
int	 form_check_field_bounds(const struct form *f, const char *path,
	    struct form_diag *diag);
/* Every when= of fields, groups and pages can be true. */
int	 form_check_conditions(const struct form *f, const char *path,
	    struct form_diag *diag);
/* No condition waits, at last, for itself. */
int	 form_check_cycles(const struct form *f, const char *path,
	    struct form_diag *diag);
/* pattern= and warn-pattern= have maxlength= and cannot take long. */
int	 form_check_patterns(const struct form *f, const char *path,
	    struct form_diag *diag);
/* Whether forms/<id>.xml is the file of service `id`. */
int	 form_id_matches_file(const char *id, const char *path);

#endif
