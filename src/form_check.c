/*
 * The checks of a definition loaded into struct form that the schema
 * cannot make (form_setup and form_load run them).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "form_int.h"
#include "pattern.h"

/*
 * What each kind of service needs: the schema allows every part in every
 * kind so that its messages about forms stay precise; the rest is here.
 */
int
form_check_kind(const char *path, struct form *f, xmlNodePtr root,
    struct form_diag *diag)
{
	static const char *const kinds[FORM__KINDS] = { "form", "info", "link" };
	const char *kind = form_attr(root, "kind");
	xmlNodePtr n, fee = NULL, page = NULL, link = NULL, section = NULL,
		 retention = NULL;
	int	 k;

	for (k = 0; kind != NULL && k < FORM__KINDS; k++)
		if (strcmp(kind, kinds[k]) == 0)
			break;
	f->kind = kind == NULL ? FORM_KIND_FORM : (enum form_kind)k;
	for (n = root->children; n != NULL; n = n->next) {
		if (form_is(n, "fee") && fee == NULL)
			fee = n;
		else if (form_is(n, "page") && page == NULL)
			page = n;
		else if (form_is(n, "link") && link == NULL)
			link = n;
		else if (form_is(n, "section") && section == NULL)
			section = n;
		else if (form_is(n, "retention"))
			retention = n;
	}
	if (f->kind == FORM_KIND_FORM && fee == NULL)
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "a form service needs a <fee>");
	else if (f->kind == FORM_KIND_FORM && page == NULL)
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "a form service needs at least one <page>");
	else if (f->kind == FORM_KIND_FORM && (link || section))
		form_diag_add(diag, path, xmlGetLineNo(link ? link : section),
		    "<%s> belongs in an info or link service, not a form",
		    link ? "link" : "section");
	else if (f->kind != FORM_KIND_FORM && (fee || page || retention))
		form_diag_add(diag, path, xmlGetLineNo(fee ? fee : page ? page :
		    retention), "<%s> belongs in a form service only", fee ?
		    "fee" : page ? "page" : "retention");
	else if (f->kind == FORM_KIND_INFO && section == NULL)
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "an info service needs at least one <section>");
	else if (f->kind == FORM_KIND_INFO && link != NULL)
		form_diag_add(diag, path, xmlGetLineNo(link),
		    "a <link> of an info service belongs in a <section>");
	else if (f->kind == FORM_KIND_LINK && link == NULL)
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "a link service needs a <link>");
	else
		return 0;
	return -1;
}

/*
 * <service login="none|optional|required" level="basic|substantial|
 * high">: a level above basic means nothing without a login that is
 * required, and only a form is sent.
 */
int
form_check_login(const char *path, struct form *f, xmlNodePtr root,
    struct form_diag *diag)
{
	const char *login = form_attr(root, "login");
	const char *level = form_attr(root, "level");
	int	 i, l;

	f->login = FORM_LOGIN_OPTIONAL;
	f->level = IDENTITY_BASIC;
	for (i = 0; login != NULL && i < FORM__LOGINS; i++)
		if (strcmp(login, form_login_names[i]) == 0)
			f->login = (enum form_login)i;
	if (level != NULL && ((l = identity_level_parse(level)) <
	    IDENTITY_BASIC || l >= IDENTITY__LEVELS)) {
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "level='%s' is not basic, substantial or high", level);
		return -1;
	} else if (level != NULL)
		f->level = (enum identity_level)l;
	if (f->kind != FORM_KIND_FORM && (login != NULL || level != NULL)) {
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "%s= belongs on a form service: nothing is sent here",
		    login != NULL ? "login" : "level");
		return -1;
	}
	if (f->level > IDENTITY_BASIC && f->login != FORM_LOGIN_REQUIRED) {
		form_diag_add(diag, path, xmlGetLineNo(root),
		    "level='%s' needs login=\"required\"",
		    identity_level_names[f->level]);
		return -1;
	}
	return 0;
}

/* A service that never uses the account has nothing to prefill from. */
int
form_check_prefill(const struct form *f, const char *path,
    struct form_diag *diag)
{
	size_t	 i;
	int	 rc = 0;

	for (i = 0; f->login == FORM_LOGIN_NONE && i < f->nfields; i++)
		if (f->fields[i].prefill >= 0) {
			form_diag_add(diag, path, xmlGetLineNo(f->fields[i].node),
			    "field '%s' has prefill= but the service has "
			    "login=\"none\"", f->fields[i].name);
			rc = -1;
		}
	return rc;
}

/* <at-least-one fields="..."/> names fields of the form. */
int
form_check_at_least_one(const struct form *f, const char *path,
    struct form_diag *diag)
{
	xmlNodePtr n;
	const char *p;
	char	 name[128];
	size_t	 len;
	int	 rc = 0;

	for (n = xmlDocGetRootElement(f->doc)->children; n != NULL; n = n->next) {
		if (!form_is(n, "at-least-one") ||
		    (p = form_attr(n, "fields")) == NULL)
			continue;
		for (; *(p += strspn(p, " \t\n")) != '\0'; p += len) {
			len = strcspn(p, " \t\n");
			snprintf(name, sizeof(name), "%.*s", (int)len, p);
			if (form_field(f, name) == NULL) {
				form_diag_add(diag, path, xmlGetLineNo(n),
				    "at-least-one names unknown field '%s'", name);
				rc = -1;
			} else if (form_named_field(f, path, n, name, diag) ==
			    NULL)
				rc = -1;
		}
	}
	return rc;
}

/* "field:NAME" in a date or time bound names another field of that type. */
int
form_check_field_bounds(const struct form *f, const char *path,
    struct form_diag *diag)
{
	const struct form_field *fld, *dep;
	const char *exprs[3], *p;
	char	 name[128];
	size_t	 i, k, n;
	int	 rc = 0;

	for (i = 0; i < f->nfields; i++) {
		fld = &f->fields[i];
		exprs[0] = fld->min;
		exprs[1] = fld->max;
		exprs[2] = fld->deadline;
		for (k = 0; k < 3; k++)
			for (p = exprs[k]; p != NULL &&
			    *(p += strspn(p, " ")) != '\0'; p += n) {
				n = strcspn(p, " ");
				if (n <= 6 || strncmp(p, "field:", 6) != 0)
					continue;
				snprintf(name, sizeof(name), "%.*s", (int)(n - 6),
				    p + 6);
				dep = form_field(f, name);
				if (dep != NULL && form_named_field(f, path,
				    fld->node, name, diag) == NULL) {
					rc = -1;
					continue;
				}
				if (dep == NULL || dep == fld ||
				    dep->type != fld->type) {
					form_diag_add(diag, path,
					    xmlGetLineNo(fld->node),
					    "bound refers to '%s', which is not "
					    "another %s field", name,
					    form_type_names[fld->type]);
					rc = -1;
				}
			}
	}
	return rc;
}

/*
 * A field another rule names by its name (a condition, a bound, a fee
 * rule, at-least-one) must exist once: not as rows of a repeating group.
 */
const struct form_field *
form_named_field(const struct form *f, const char *path, xmlNodePtr at,
    const char *name, struct form_diag *diag)
{
	const struct form_field *fld = form_field(f, name);

	if (fld != NULL && fld->group >= 0 && f->groups[fld->group].repeat) {
		form_diag_add(diag, path, xmlGetLineNo(at),
		    "'%s' is in a repeating group and cannot be named here",
		    name);
		return NULL;
	}
	return fld;
}

/*
 * Every term of a when="field=value ..." names another field with choices
 * and one of its answers: a condition that can never be true is an error.
 * A condition of a page or group must not name its own questions, and
 * nothing may wait for a question on a later page (`later`: the page of
 * what has the condition).
 */
static int
form_check_when(const struct form *f, const char *path, xmlNodePtr at,
    const char *when, const struct form_field *self, long group, long page,
    size_t later, struct form_diag *diag)
{
	const struct form_field *dep;
	const char *p, *eq;
	char	 name[128], value[256];
	size_t	 n;
	int	 rc = 0;

	for (p = when; p != NULL && *(p += strspn(p, " ")) != '\0'; p += n) {
		n = strcspn(p, " ");
		eq = memchr(p, '=', n);
		if (eq == NULL || eq == p || (size_t)(eq - p) >= sizeof(name) ||
		    n - (size_t)(eq - p) - 1 >= sizeof(value)) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "condition '%.*s' is not field=value", (int)n, p);
			rc = -1;
			continue;
		}
		memcpy(name, p, (size_t)(eq - p));
		name[eq - p] = '\0';
		memcpy(value, eq + 1, n - (size_t)(eq - p) - 1);
		value[n - (size_t)(eq - p) - 1] = '\0';
		if ((dep = form_field(f, name)) == NULL) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "condition refers to unknown field '%s'", name);
			rc = -1;
		} else if (form_named_field(f, path, at, name, diag) == NULL)
			rc = -1;
		else if (dep == self) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "field '%s' depends on itself", name);
			rc = -1;
		} else if ((group >= 0 && dep->group == group) ||
		    (page >= 0 && dep->page == (size_t)page)) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "%s '%s' depends on its own field '%s'",
			    group >= 0 ? "group" : "page",
			    form_attr(at, group >= 0 ? "name" : "id"), name);
			rc = -1;
		} else if (dep->page > later) {
			/* Asked before its answer: it would fail only at the end. */
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "condition refers to '%s' on a later page", name);
			rc = -1;
		} else if (dep->type != FORM_SELECT &&
		    dep->type != FORM_RADIO && dep->type != FORM_CHECKBOX) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "condition needs a choice field, not '%s'", name);
			rc = -1;
		} else if (dep->type == FORM_CHECKBOX ?
		    strcmp(value, "yes") != 0 : !form_has_option(dep, value)) {
			form_diag_add(diag, path, xmlGetLineNo(at),
			    "condition can never be true: field '%s' has no "
			    "option '%s'", name, value);
			rc = -1;
		}
	}
	return rc;
}

/*
 * Depth-first through what each field waits for: its own condition and
 * those of its group and page. `state`: 0 not seen, 1 on the path now,
 * 2 done. A field met again while on the path closes a circle, reported
 * once, from the field where it starts.
 */
static int
form_cycle_from(const struct form *f, size_t i, unsigned char *state,
    size_t *path, size_t depth, const char *file, struct form_diag *diag)
{
	const struct form_field *fld = &f->fields[i], *dep;
	const char *when[3], *p;
	char	 name[128];
	struct buf msg;
	size_t	 k, n, at, j;
	int	 rc = 0;

	state[i] = 1;
	path[depth] = i;
	when[0] = fld->when;
	when[1] = fld->group >= 0 ? f->groups[fld->group].when : NULL;
	when[2] = f->pages[fld->page].when;
	for (k = 0; k < 3 && rc == 0; k++)
		for (p = when[k]; rc == 0 && p != NULL &&
		    *(p += strspn(p, " ")) != '\0'; p += n) {
			n = strcspn(p, " ");
			snprintf(name, sizeof(name), "%.*s",
			    (int)strcspn(p, "= "), p);
			if ((dep = form_field(f, name)) == NULL)
				continue;
			j = (size_t)(dep - f->fields);
			if (state[j] == 0)
				rc = form_cycle_from(f, j, state, path,
				    depth + 1, file, diag);
			else if (state[j] == 1) {
				for (at = 0; path[at] != j; at++)
					;
				buf_init(&msg, 4096);
				for (; at <= depth; at++)
					buf_printf(&msg, "%s -> ",
					    f->fields[path[at]].name);
				form_diag_add(diag, file, xmlGetLineNo(dep->node),
				    "conditions wait for each other in a circle: "
				    "%s%s", buf_str(&msg), dep->name);
				buf_free(&msg);
				rc = -1;
			}
		}
	state[i] = 2;
	return rc;
}

/* Whether a question is asked must not depend, at last, on itself. */
int
form_check_cycles(const struct form *f, const char *path,
    struct form_diag *diag)
{
	unsigned char *state;
	size_t	*stack, i;
	int	 rc = 0;

	state = calloc(f->nfields + 1, sizeof(*state));
	stack = calloc(f->nfields + 1, sizeof(*stack));
	if (state == NULL || stack == NULL) {
		free(state);
		free(stack);
		return -1;
	}
	for (i = 0; i < f->nfields; i++)
		if (state[i] == 0 && form_cycle_from(f, i, state, stack, 0,
		    path, diag) == -1)
			rc = -1;
	free(state);
	free(stack);
	return rc;
}

int
form_check_conditions(const struct form *f, const char *path,
    struct form_diag *diag)
{
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < f->nfields; i++)
		if (form_check_when(f, path, f->fields[i].node,
		    f->fields[i].when, &f->fields[i], -1, -1, f->fields[i].page,
		    diag) == -1)
			rc = -1;
	for (i = 0; i < f->ngroups; i++)
		if (form_check_when(f, path, f->groups[i].node,
		    f->groups[i].when, NULL, (long)i, -1, f->groups[i].page,
		    diag) == -1)
			rc = -1;
	for (i = 0; i < f->npages; i++)
		if (form_check_when(f, path, f->pages[i].node,
		    f->pages[i].when, NULL, -1, (long)i, i, diag) == -1)
			rc = -1;
	return rc;
}

/*
 * A pattern runs over the whole answer, and libxml2's matcher
 * backtracks: a field with pattern= or warn-pattern= needs maxlength=
 * (checked before any pattern, so that bounds what a pattern is run on),
 * and the pattern must not be one that takes very long on a long answer
 * (pattern_check). Like the schema, once per change of the file (the
 * known-good cache) and by the linter; not for a stored definition,
 * which is shown, never used to check answers.
 */
int
form_check_patterns(const struct form *f, const char *path,
    struct form_diag *diag)
{
	static const char *const attrs[] = { "pattern", "warn-pattern" };
	const struct form_field *fld;
	const char *re;
	char	 why[256];
	size_t	 i, a;
	int	 rc = 0;

	for (i = 0; i < f->nfields; i++)
		for (a = 0; a < 2; a++) {
			fld = &f->fields[i];
			if ((re = form_attr(fld->node, attrs[a])) == NULL)
				continue;
			if (fld->maxlength < 0) {
				form_diag_add(diag, path, xmlGetLineNo(fld->node),
				    "field '%s' has %s= but no maxlength=",
				    fld->name, attrs[a]);
				rc = -1;
			}
			switch (pattern_check(re, fld->maxlength, why,
			    sizeof(why))) {
			case PATTERN_OK:
				break;
			case PATTERN_SLOW:
				form_diag_add(diag, path, xmlGetLineNo(fld->node),
				    "%s '%s' can take very long on a long answer: "
				    "%s", attrs[a], re, why);
				rc = -1;
				break;
			case PATTERN_COMPLEX:
				form_diag_add(diag, path, xmlGetLineNo(fld->node),
				    "%s '%s' is too complex to check how long it "
				    "can take", attrs[a], re);
				rc = -1;
				break;
			}
		}
	return rc;
}

/* forms/osterfeuer.xml must say id="osterfeuer": URLs come from file names. */
int
form_id_matches_file(const char *id, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t	 n;

	base = base ? base + 1 : path;
	n = strlen(base);
	return id != NULL && n > 4 && strcmp(base + n - 4, ".xml") == 0 &&
	    strlen(id) == n - 4 && strncmp(base, id, n - 4) == 0;
}
