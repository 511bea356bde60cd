#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "ref.h"
#include "staff.h"

/* Without the prefix over plain HTTP (app_cookie_name). */
#define STAFF_CSRF_COOKIE	"__Host-rathaus_csrf"

static int
staff_forbidden(struct app *a, const char *reason)
{
	return app_error(a, 403, reason) == 0 ? 1 : -1;
}

/*
 * This browser's CSRF token for this user: the value of the first cookie
 * of our name that the server made for this user (another user's, one
 * the server never made, one made with another secret do not count);
 * else a new one, set as the cookie (HttpOnly: no script needs it;
 * SameSite=Strict: no other site's request carries it; over HTTPS
 * __Host-, Secure and Path=/, so that neither another host of the domain
 * nor a plain-HTTP answer can set it). The page's forms carry the same
 * value (staff_node): a POST must bring both.
 */
static int
staff_csrf(struct app *a)
{
	const char *name = app_cookie_name(a, STAFF_CSRF_COOKIE);
	const struct req_param *c;
	unsigned char key[REF_SECRET_LEN];
	size_t	 i;
	int	 rc = -1;

	if (app_store(a) != 0 || store_secret(a->store, "csrf", key) !=
	    STORE_OK)
		return -1;
	for (i = 0; i < a->req.cookies.n; i++) {
		c = &a->req.cookies.v[i];
		if (strcmp(c->name, name) != 0 ||
		    !ref_bound(key, a->staff.user, c->value))
			continue;
		memcpy(a->staff.csrf, c->value, REF_TOKEN_LEN + 1);
		rc = 0;
		goto out;
	}
	if (ref_bind(key, a->staff.user, a->staff.csrf) != 0)
		goto out;
	a->staff.csrf_new = 1;
	rc = app_set_cookie(a, STAFF_CSRF_COOKIE, a->staff.csrf,
	    a->conf.staff_script,
	    "Strict");
out:
	explicit_bzero(key, sizeof(key));
	return rc;
}

/*
 * The form services this clerk is responsible for (the definitions that
 * name it); the administrator's list stays NULL: all.
 */
static int
staff_load_services(struct app *a)
{
	struct form *forms = NULL;
	size_t	 n = 0, i, k = 0;
	int	 rc = 0;

	if (a->staff.admin)
		return 0;
	if (form_catalog(a->share, &forms, &n, NULL) != 0)
		return -1;
	if ((a->staff.services = calloc(n + 1, sizeof(char *))) == NULL)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++)
		if (forms[i].kind == FORM_KIND_FORM && forms[i].clerk != NULL &&
		    strcmp(forms[i].clerk, a->staff.clerk) == 0 &&
		    (a->staff.services[k++] = strdup(forms[i].id)) == NULL)
			rc = -1;
	form_catalog_free(forms, n);
	return rc;
}

/*
 * Before any staff page: who it is (REMOTE_USER mapped to a clerk, else
 * 403), that no other site made the request (else 403 "cross_site": no
 * page, no file, no audit row; the page offers to open it from here),
 * what it may see, and for a POST the CSRF token of its cookie, made for
 * this user (staff_csrf), in the form too.
 * 0: go on; 1: answered (403); -1: failed.
 */
int
staff_guard(struct app *a)
{
	xmlNodePtr login;
	const char *role, *sent;

	if (a->req.remote_user == NULL)
		return staff_forbidden(a, "no_user");
	if (app_share(a) != 0)
		return -1;
	if ((login = form_login(a->share, a->req.remote_user)) == NULL) {
		fprintf(stderr, "rathaus: staff user '%s' has no <login> in"
		    " data/clerks.xml\n", a->req.remote_user);
		return staff_forbidden(a, "no_clerk");
	}
	a->staff.user = a->req.remote_user;
	a->staff.clerk = form_attr(login, "clerk");
	role = form_attr(login, "role");
	a->staff.admin = role != NULL && strcmp(role, "admin") == 0;
	if (!a->staff.admin && form_clerk(a->share, a->staff.clerk) == NULL)
		return staff_forbidden(a, "no_clerk");
	if (app_cross_site(a)) {
		fprintf(stderr, "rathaus: staff %s %s by '%s' made by another"
		    " site (Sec-Fetch-Site: %s, Origin: %s): refused\n",
		    a->req.method == REQ_POST ? "POST" : "GET", a->req.path,
		    a->staff.user, a->req.fetch_site ? a->req.fetch_site : "-",
		    a->req.origin ? a->req.origin : "-");
		return staff_forbidden(a, "cross_site");
	}
	if (staff_load_services(a) != 0)
		return -1;

	if (staff_csrf(a) != 0)
		return -1;
	if (a->req.method != REQ_POST)
		return 0;
	sent = req_param(&a->req.body, "_csrf");
	if (a->staff.csrf_new || sent == NULL ||
	    !ref_equal(sent, a->staff.csrf)) {
		fprintf(stderr, "rathaus: staff POST by '%s' without a valid"
		    " CSRF token: refused\n", a->staff.user);
		return staff_forbidden(a, "csrf");
	}
	return 0;
}

/* May this user see the submissions of `service`? */
int
staff_may(const struct app *a, const char *service)
{
	size_t	 i;

	if (a->staff.admin)
		return 1;
	for (i = 0; a->staff.services != NULL && a->staff.services[i] != NULL;
	    i++)
		if (service != NULL && strcmp(a->staff.services[i], service) == 0)
			return 1;
	return 0;
}

/* <staff user clerk admin csrf script/>: for the stylesheets' forms. */
xmlNodePtr
staff_node(struct app *a, xmlNodePtr parent)
{
	return app_elem(parent, "staff", NULL, "user", a->staff.user, "clerk",
	    a->staff.clerk ? a->staff.clerk : "", "admin",
	    a->staff.admin ? "1" : "", "csrf", a->staff.csrf, "script",
	    a->conf.staff_script, NULL);
}

/* An absolute link into the staff program (for mails to clerks). */
int
staff_link(struct app *a, struct buf *b, const char *path)
{
	return buf_printf(b, "%s%s%s", a->conf.base_url, a->conf.staff_script,
	    path);
}

void
staff_free(struct app_staff *s)
{
	size_t	 i;

	for (i = 0; s->services != NULL && s->services[i] != NULL; i++)
		free(s->services[i]);
	free(s->services);
	memset(s, 0, sizeof(*s));
}
