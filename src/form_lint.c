/*
 * The site's services as a catalog, and the checks only `rathaus lint`
 * makes.
 */
#include "config.h"

#include <errno.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "req.h"

static int
form_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
form_is_definition(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 &&
	    strcmp(d->d_name + n - 4, ".xml") == 0;
}

/* Every loadable definition in file-name order; broken ones are skipped. */
int
form_catalog(struct form_share *s, struct form **out, size_t *nout,
    struct form_diag *diag)
{
	struct dirent **names = NULL;
	struct form *forms = NULL;
	struct buf dir;
	char	 id[256];
	size_t	 n = 0;
	int	 count, i;

	*out = NULL;
	*nout = 0;
	if (s->site == NULL)	/* no town: no services */
		return 0;
	buf_init(&dir, 4096);
	buf_printf(&dir, "%s/forms", s->site);
	count = scandir(buf_str(&dir), &names, form_is_definition, form_name_cmp);
	buf_free(&dir);
	/* A town without forms/ offers nothing yet (rathaus lint says so). */
	if (count < 0)
		return errno == ENOENT ? 0 : -1;
	if (count > 0 && (forms = calloc((size_t)count, sizeof(*forms))) == NULL) {
		for (i = 0; i < count; i++)
			free(names[i]);
		free(names);
		return -1;
	}
	for (i = 0; i < count; i++) {
		size_t len = strlen(names[i]->d_name) - 4;
		if (len < sizeof(id)) {
			memcpy(id, names[i]->d_name, len);
			id[len] = '\0';
			if (form_load_id(&forms[n], s, id, diag) == 0)
				n++;
		}
		free(names[i]);
	}
	free(names);
	*out = forms;
	*nout = n;
	return 0;
}

/* The xml:lang of an element itself (not inherited), without copying. */
static int
form_attr_lang(xmlNodePtr n, const char **lang)
{
	xmlAttrPtr a;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns != NULL && xmlStrEqual(a->ns->href, XML_XML_NAMESPACE) &&
		    xmlStrEqual(a->name, (const xmlChar *)"lang") &&
		    a->children != NULL && a->children->content != NULL) {
			*lang = (const char *)a->children->content;
			return 0;
		}
	return -1;
}

/*
 * The portal speaks German and English: every text a citizen reads in
 * German (a label, a hint, a title, a note) should have its English
 * counterpart beside it, or English pages show German there. Counted per
 * element name under each parent, as texts come one per language (or, for
 * documents and notes, as many in each). Keywords are not translations.
 * A warning: German stands in, the form works.
 */
static void
form_lint_english(xmlNodePtr parent, const char *path, struct form_diag *diag)
{
	xmlNodePtr c, d;
	const char *lang;
	int	 de, en, seen;

	for (c = parent->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		form_lint_english(c, path, diag);
		if (form_attr_lang(c, &lang) != 0 || strcmp(lang, "de") != 0 ||
		    form_is(c, "keyword"))
			continue;
		/* Once per name: at its first German text. */
		for (seen = 0, d = parent->children; d != c; d = d->next)
			if (d->type == XML_ELEMENT_NODE &&
			    xmlStrEqual(d->name, c->name) &&
			    form_attr_lang(d, &lang) == 0 &&
			    strcmp(lang, "de") == 0)
				seen = 1;
		if (seen)
			continue;
		for (de = en = 0, d = parent->children; d != NULL; d = d->next)
			if (d->type == XML_ELEMENT_NODE &&
			    xmlStrEqual(d->name, c->name) &&
			    form_attr_lang(d, &lang) == 0) {
				de += strcmp(lang, "de") == 0;
				en += strcmp(lang, "en") == 0;
			}
		if (en < de)
			form_diag_warn(diag, path, xmlGetLineNo(c),
			    "no English text for this <%s>", (const char *)c->name);
	}
}

/*
 * What the portal survives but an administrator should fix, checked by
 * `rathaus lint` only: a service in no category of data/categories.xml
 * is still shown, last, under its category id. A form that says nothing
 * of retention keeps personal data until someone deletes it by hand.
 */
int
form_lint(const struct form_share *s, const struct form *f, const char *path,
    struct form_diag *diag)
{
	xmlNodePtr root = xmlDocGetRootElement(f->doc);

	form_lint_english(root, path, diag);
	/* Every answer given so far rides along on each POST (hidden
	 * inputs), and a request holds at most fields_max values, a few
	 * of them the form's own controls. */
	if (f->nfields + FORM_CONTROLS_MAX > req_default_limits.fields_max)
		form_diag_warn(diag, path, xmlGetLineNo(root),
		    "%zu questions, more than the %zu answers one request "
		    "carries (a POST carries every answer given so far): a "
		    "citizen who answers them all cannot send the form; split "
		    "it into several services", f->nfields,
		    req_default_limits.fields_max - FORM_CONTROLS_MAX);
	if (f->kind == FORM_KIND_FORM && f->retention_days == 0)
		form_diag_warn(diag, path, xmlGetLineNo(root),
		    "no <retention>: submissions are kept until deleted by hand");
	if (form_category(s, f->category) != NULL)
		return 0;
	form_diag_add(diag, path, xmlGetLineNo(root),
	    "unknown category '%s'", f->category ? f->category : "");
	return -1;
}

void
form_catalog_free(struct form *forms, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		form_free(&forms[i]);
	free(forms);
}
