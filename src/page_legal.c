/*
 * page_legal: the town's legal notice (Impressum), privacy notice (GDPR
 * Art. 13) and accessibility statement (BITV 2.0 § 7), at /legal/imprint,
 * /legal/privacy and /legal/accessibility. The town's facts come from its
 * municipality.xml (the stylesheet reads it); this page adds what only
 * the engine knows: which services store what for how long, and which
 * of the portal's parts that pass data on (login, PayPal, mail) are on.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "form.h"
#include "page.h"

static const char *const page_legal_kinds[] = {
	"imprint", "privacy", "accessibility",
};

/* <service id retention-days login><title xml:lang/>...</service> */
static int
page_legal_service(struct app *a, xmlNodePtr parent, const struct form *f)
{
	xmlNodePtr s, n, copy;
	char	 days[24];

	snprintf(days, sizeof(days), "%ld", f->retention_days);
	if ((s = app_elem(parent, "service", NULL, "id", f->id,
	    "retention-days", days, "login", form_login_names[f->login],
	    NULL)) == NULL)
		return -1;
	for (n = xmlDocGetRootElement(f->doc)->children; n != NULL;
	    n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "title") != 0)
			continue;
		if ((copy = xmlDocCopyNode(n, a->doc, 1)) == NULL ||
		    xmlAddChild(s, copy) == NULL) {
			xmlFreeNode(copy);
			return -1;
		}
	}
	return 0;
}

int
page_legal(struct app *a)
{
	struct form_diag diag;
	struct form *forms = NULL;
	xmlNodePtr legal;
	size_t	 nforms = 0, i, k;
	int	 rc = -1;

	for (k = 0; k < sizeof(page_legal_kinds) /
	    sizeof(page_legal_kinds[0]); k++)
		if (strcmp(a->route.arg, page_legal_kinds[k]) == 0)
			break;
	if (k == sizeof(page_legal_kinds) / sizeof(page_legal_kinds[0]))
		return app_error(a, 404, "not_found");
	/* The same for every visitor not logged in, until a file (the
	 * configuration, a definition, the town's) changes. */
	if (app_page_cached(a) == 1)
		return 0;
	if (app_share(a) != 0 || app_begin(a, "legal") != 0)
		return -1;
	form_diag_init(&diag);
	if ((legal = app_elem(a->root, "legal", NULL, "kind",
	    page_legal_kinds[k],
	    "login", strcmp(a->conf.identity, "none") != 0 ? "yes" : NULL,
	    "paypal", *a->conf.paypal_api != '\0' &&
	    strstr(a->conf.pay_methods, "paypal") != NULL ? "yes" : NULL,
	    "mail", *a->conf.smtp_url != '\0' ? "yes" : NULL,
	    NULL)) == NULL ||
	    form_catalog(a->share, &forms, &nforms, &diag) != 0)
		goto out;
	/* Information pages and links out store nothing. */
	for (i = 0; i < nforms; i++)
		if (forms[i].kind == FORM_KIND_FORM &&
		    page_legal_service(a, legal, &forms[i]) != 0)
			goto out;
	rc = 0;
out:
	form_catalog_free(forms, nforms);
	form_diag_free(&diag);
	return rc;
}
