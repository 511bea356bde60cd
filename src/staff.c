#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "ref.h"
#include "staff.h"

#define STAFF_CSRF_COOKIE	"rathaus_csrf"

static int
staff_forbidden(struct app *a, const char *reason)
{
	return app_error(a, 403, reason) == 0 ? 1 : -1;
}

/* A token as ref_token makes them: 32 lower-case hex characters. */
static int
staff_token_ok(const char *t)
{
	return t != NULL && strlen(t) == REF_TOKEN_LEN &&
	    strspn(t, "0123456789abcdef") == REF_TOKEN_LEN;
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
	if (form_catalog(&a->share, &forms, &n, NULL) != 0)
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

/* Is `origin` ("http://host:port") the origin of base_url? */
static int
staff_same_origin(const char *origin, const char *base)
{
	const char *p = strstr(base, "://"), *end;
	size_t	 len;

	end = p != NULL ? strchr(p + 3, '/') : NULL;
	len = end != NULL ? (size_t)(end - base) : strlen(base);
	return strlen(origin) == len && strncmp(origin, base, len) == 0;
}

/*
 * Before any staff page: who it is (REMOTE_USER mapped to a clerk, else
 * 403), what it may see, and for a POST the CSRF token of its cookie.
 * Browsers send "Origin: null" from pages with Referrer-Policy
 * no-referrer (ours): that says nothing either way, the token decides.
 * 0: go on; 1: answered (403); -1: failed.
 */
int
staff_guard(struct app *a)
{
	xmlNodePtr login;
	const char *role, *cookie, *sent;
	struct buf c;

	if (a->req.remote_user == NULL)
		return staff_forbidden(a, "no_user");
	if (app_share(a) != 0)
		return -1;
	if ((login = form_login(&a->share, a->req.remote_user)) == NULL) {
		fprintf(stderr, "rathaus: staff user '%s' has no <login> in"
		    " data/clerks.xml\n", a->req.remote_user);
		return staff_forbidden(a, "no_clerk");
	}
	a->staff.user = a->req.remote_user;
	a->staff.clerk = form_attr(login, "clerk");
	role = form_attr(login, "role");
	a->staff.admin = role != NULL && strcmp(role, "admin") == 0;
	if (!a->staff.admin && form_clerk(&a->share, a->staff.clerk) == NULL)
		return staff_forbidden(a, "no_clerk");
	if (staff_load_services(a) != 0)
		return -1;

	cookie = req_param(&a->req.cookies, STAFF_CSRF_COOKIE);
	if (staff_token_ok(cookie))
		memcpy(a->staff.csrf, cookie, REF_TOKEN_LEN + 1);
	else {
		if (ref_token(a->staff.csrf) == -1)
			return -1;
		a->staff.csrf_new = 1;
		/* HttpOnly: no script needs it; Strict: no other site sends it. */
		buf_init(&c, 1024);
		buf_printf(&c, "%s=%s; Path=%s; HttpOnly; SameSite=Strict%s",
		    STAFF_CSRF_COOKIE, a->staff.csrf, a->conf.staff_script,
		    strncmp(a->conf.base_url, "https:", 6) == 0 ?
		    "; Secure" : "");
		if ((a->set_cookie = buf_steal(&c)) == NULL)
			return -1;
	}
	if (a->req.method != REQ_POST)
		return 0;
	sent = req_param(&a->req.body, "_csrf");
	if (a->staff.csrf_new || sent == NULL ||
	    !ref_equal(sent, a->staff.csrf) ||
	    (a->req.origin != NULL && strcmp(a->req.origin, "null") != 0 &&
	    !staff_same_origin(a->req.origin, a->conf.base_url))) {
		fprintf(stderr, "rathaus: staff POST by '%s' without a valid"
		    " CSRF token or from another origin: refused\n",
		    a->staff.user);
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
