/*
 * form: service definitions. A definition is parsed without network,
 * entities or DOCTYPE, checked against forms/form.rng and against what the
 * schema cannot say (clerk exists, names unique, bounds and patterns
 * parse). A broken file is reported with file and line and skipped; it
 * never takes the other services down.
 */
#ifndef RATHAUS_FORM_H
#define RATHAUS_FORM_H

#include <stddef.h>
#include <libxml/tree.h>
#include <libxml/relaxng.h>
#include <libxml/xmlregexp.h>
#include <libxml/xmlerror.h>

#include "buf.h"
#include "identity.h"

#define FORM_LENGTH_MAX	1000000L	/* characters */
#define FORM_CENTS_MAX	1000000000L	/* ten million euros */
#define FORM_ROWS_MAX	50		/* rows of one repeating group */
#define FORM_FILE_KIB_MAX 8192L		/* the hard cap of max-size: 8 MiB */
#define FORM_RETENTION_MAX 36500L	/* days a submission may be kept */
#define FORM_CONTROLS_MAX 5		/* a POST's own: _key, _page, ... */

/* The kinds of file a file field takes (accept="pdf jpeg png"). */
#define FORM_ACCEPT_PDF		0x1u
#define FORM_ACCEPT_JPEG	0x2u
#define FORM_ACCEPT_PNG		0x4u
#define FORM_ACCEPT_ALL		0x7u

enum form_type {
	FORM_TEXT,
	FORM_TEXTAREA,
	FORM_EMAIL,
	FORM_TEL,
	FORM_DATE,
	FORM_TIME,
	FORM_NUMBER,
	FORM_SELECT,
	FORM_CHECKBOX,
	FORM_RADIO,
	FORM_POSTCODE,
	FORM_IBAN,
	FORM_MULTISELECT,	/* answers are option values, one per line */
	FORM_MONEY,		/* euro; kept as "1234.50", bounds in cents */
	FORM_FILE,		/* an upload, staged in the store */
	FORM_SLOT,		/* an appointment: YYYY-MM-DDTHH:MM of a calendar */
	FORM__TYPES
};

/* Whether a service asks the citizen to log in (<service login="">). */
enum form_login {
	FORM_LOGIN_NONE,	/* never: the account is not used */
	FORM_LOGIN_OPTIONAL,	/* may: prefilled, kept with the account */
	FORM_LOGIN_REQUIRED,	/* must, at `level` at least */
	FORM__LOGINS
};

enum form_kind {
	FORM_KIND_FORM,		/* fields to fill in and send */
	FORM_KIND_INFO,		/* an information page */
	FORM_KIND_LINK,		/* a link out to another authority */
	FORM__KINDS
};

/* Problems found while loading, as "file:line: message" lines. */
struct form_diag {
	struct buf	 text;
	int		 errors;
	int		 warnings;
};

struct form_field {
	xmlNodePtr	 node;
	const char	*name;
	enum form_type	 type;
	int		 required;
	long		 minlength;	/* -1: none */
	long		 maxlength;	/* -1: none */
	const char	*min;		/* raw bound expressions, or NULL */
	const char	*max;
	const char	*deadline;
	xmlRegexpPtr	 pattern;	/* compiled, or NULL */
	xmlRegexpPtr	 warn_pattern;	/* not matching it: a warning */
	xmlNodePtr	 codes;		/* root of its code list, or NULL */
	const char	*when;		/* "field=value ...": asked only then */
	unsigned	 accept;	/* file: FORM_ACCEPT_* bits */
	long		 max_kib;	/* file: largest file in KiB */
	const char	*calendar;	/* slot: the calendar's id */
	int		 prefill;	/* enum identity_attr, or -1 */
	size_t		 page;		/* index into form.pages */
	long		 group;		/* index into form.groups, or -1 */
};

/* One step of a multi-page form; its questions are asked only when. */
struct form_page {
	xmlNodePtr	 node;
	const char	*id;
	const char	*when;
};

/*
 * Questions that belong together (a fieldset); with max= a repeating
 * group whose rows the citizen adds and removes, min..max of them.
 */
struct form_group {
	xmlNodePtr	 node;
	const char	*name;
	const char	*when;
	int		 repeat;
	long		 min;
	long		 max;
	size_t		 page;
};

struct form {
	xmlDocPtr	 doc;
	const char	*id;
	enum form_kind	 kind;
	const char	*category;
	long		 version;
	const char	*clerk;
	long		 retention_days; /* <retention days>; 0: not stated */
	enum form_login	 login;		/* default: optional */
	enum identity_level level;	/* the least one; default: basic */
	struct form_field *fields;
	size_t		 nfields;
	size_t		*by_name;	/* field indexes sorted by name */
	struct form_page *pages;
	size_t		 npages;
	struct form_group *groups;
	size_t		 ngroups;
	int		 borrowed;	/* a copy of a kept one (app_form_id):
					 * form_free only forgets it */
};

/* What every definition is checked against: schema, clerks, categories. */
struct form_share {
	char		*dir;		/* share_dir: what rathaus ships */
	char		*site;		/* site_dir: the town's files, or NULL */
	char		*cache;		/* definitions known good, or NULL */
	struct buf	 known;		/* its lines, after a leading newline */
	struct buf	 schema_stamp;	/* of forms/form.rng */
	xmlRelaxNGPtr	 schema;	/* parsed on first need */
	xmlDocPtr	 clerks;
	xmlDocPtr	 categories;	/* categories.xml, in catalog order */
	xmlDocPtr	 municipality;	/* the site's municipality.xml, or NULL */
	xmlDocPtr	*codes;		/* code lists loaded so far */
	size_t		 ncodes;
};

extern const char *const form_type_names[FORM__TYPES];

/* The service's slot field (an appointment), or NULL. */
const struct form_field *form_slot_field(const struct form *);
extern const char *const form_login_names[FORM__LOGINS];

void	 form_diag_init(struct form_diag *);
void	 form_diag_add(struct form_diag *, const char *file, long line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	 form_diag_warn(struct form_diag *, const char *file, long line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	 form_diag_free(struct form_diag *);

/* Where libxml2's reports of one file go (form_xml_error's arg). */
struct form_xml_errors {
	struct form_diag *diag;
	const char	*file;
	const char	*prefix;	/* "schema: ", "not well-formed: " */
};
void	 form_xml_error(void *arg, xmlErrorPtr);
/* Is n an element called name? */
int	 form_is(xmlNodePtr n, const char *name);

int	 form_share_open(struct form_share *, const char *dir,
	    const char *site, const char *cache, struct form_diag *);
void	 form_share_close(struct form_share *);
/* The schema at rng on doc (read from path): 0 valid, -1 reasons in diag. */
int	 form_validate_doc(const char *path, const char *rng, xmlDocPtr doc,
	    struct form_diag *);
int	 form_validate_site_file(const struct form_share *, const char *name,
	    const char *rng, struct form_diag *);
xmlNodePtr form_clerk(const struct form_share *, const char *id);
const char *form_town_text(const struct form_share *, const char *name,
	    const char *lang);
xmlNodePtr form_category(const struct form_share *, const char *id);
xmlNodePtr form_login(const struct form_share *, const char *user);

int	 form_load(struct form *, struct form_share *, const char *path,
	    struct form_diag *);
int	 form_load_stored(struct form *, struct form_share *, const char *xml,
	    struct form_diag *);
char	*form_text(const struct form *);
int	 form_load_id(struct form *, struct form_share *, const char *id,
	    struct form_diag *);
int	 form_catalog(struct form_share *, struct form **, size_t *,
	    struct form_diag *);
void	 form_catalog_free(struct form *, size_t);
int	 form_lint(const struct form_share *, const struct form *,
	    const char *path, struct form_diag *);
void	 form_free(struct form *);

const struct form_field *form_field(const struct form *, const char *name);
const struct form_field *form_named_field(const struct form *,
	    const char *path, xmlNodePtr at, const char *name,
	    struct form_diag *);
xmlNodePtr form_option(const struct form_field *, const char *value);
int	 form_has_option(const struct form_field *, const char *value);
const char *form_attr(xmlNodePtr, const char *name);
xmlNodePtr form_child(xmlNodePtr parent, const char *elem, const char *attr,
	    const char *value);

#endif
