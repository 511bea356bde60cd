#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "page.h"
#include "render.h"
#include "staff.h"
#include "store_staff.h"
#include "when.h"

/*
 * GET /files/<ref>?field=NAME: a file of a submission, as an attachment
 * with the type its content was recognised as (never inline, never
 * sniffed), and an audit entry that this user downloaded it.
 */
int
page_staff_file(struct app *a)
{
	const char *field = req_param(&a->req.query, "field");
	struct store_case c;
	struct store_upload u;
	struct render_file out;
	char	 now[21];
	int	 rc;

	if (app_store(a) != 0)
		return -1;
	if (!ref_valid(a->route.arg) || field == NULL ||
	    (rc = store_case(a->store, a->route.arg, &c)) == STORE_NOTFOUND)
		return app_error(a, 404, "not_found");
	if (rc != STORE_OK)
		return -1;
	rc = staff_may(a, c.sub.service);
	store_case_free(&c);
	if (!rc)
		return app_error(a, 403, "not_yours");
	if ((rc = store_upload_get(a->store, a->route.arg, field, &u)) ==
	    STORE_NOTFOUND)
		return app_error(a, 404, "not_found");
	if (rc != STORE_OK || when_now_iso(now) == -1 ||
	    store_audit(a->store, a->staff.user, "download", a->route.arg,
	    field, now) == STORE_ERROR) {
		if (rc == STORE_OK)
			store_upload_free(&u);
		return -1;
	}
	memset(&out, 0, sizeof(out));
	out.ctype = u.mime;
	out.filename = u.filename;
	out.data = u.data;
	out.len = u.size;
	out.head_only = a->req.method == REQ_HEAD;
	render_download(&out, a->out);
	a->answered = 1;
	store_upload_free(&u);
	return 0;
}

/* Export: wired to export_ once that module is in (not yet: 404). */
int
page_staff_export(struct app *a)
{
	return app_error(a, 404, "not_found");
}
