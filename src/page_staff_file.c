#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "export.h"
#include "page.h"
#include "render.h"
#include "staff.h"
#include "store_staff.h"
#include "upload.h"
#include "when.h"

/*
 * GET /files/<ref>?field=NAME: a file of a submission, as an attachment
 * of the type its bytes are (never inline, never sniffed by the browser),
 * saved under a name that ends in that type's extension whatever the
 * citizen called it (upload_save_name; the citizen's name is shown on
 * the submission's page only), and an audit entry that this user
 * downloaded it.
 */
int
page_staff_file(struct app *a)
{
	const char *field = req_param(&a->req.query, "field");
	struct store_case c;
	struct store_upload u;
	struct render_file out;
	enum upload_type t;
	char	 now[21], name[UPLOAD_NAME_MAX + 1], fallback[128];
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
	    NULL, NULL, field, now) == STORE_ERROR) {
		if (rc == STORE_OK)
			store_upload_free(&u);
		return -1;
	}
	t = upload_sniff(u.data, u.size);
	snprintf(fallback, sizeof(fallback), "%s-%s", a->route.arg, field);
	upload_save_name(name, u.filename, fallback, t);
	memset(&out, 0, sizeof(out));
	out.ctype = t != UPLOAD_UNKNOWN ? upload_mime(t) :
	    "application/octet-stream";
	out.filename = name;
	out.data = u.data;
	out.len = u.size;
	out.head_only = a->req.method == REQ_HEAD;
	render_download(&out, a->out);
	a->answered = 1;
	store_upload_free(&u);
	return 0;
}

/*
 * GET /export/<service>?format=csv|xml|json[&from=&to=&status=]: all its
 * submissions the filter selects, as an attachment (named after the
 * service and the day), with an audit entry; a service this user is not
 * responsible for is a 403.
 */
int
page_staff_export(struct app *a)
{
	static const char *const types[] = {
		[EXPORT_CSV] = "text/csv; charset=utf-8",
		[EXPORT_XML] = "application/xml; charset=utf-8",
		[EXPORT_JSON] = "application/json",
	};
	static const char *const exts[] = {
		[EXPORT_CSV] = "csv", [EXPORT_XML] = "xml", [EXPORT_JSON] = "json",
	};
	const char *fmt = req_param(&a->req.query, "format");
	struct store_filter flt;
	enum export_format ef = EXPORT_CSV;
	struct render_file out;
	struct when_date d;
	struct form f;
	struct buf name, detail;
	char	*data = NULL, now[21];
	size_t	 len = 0;
	FILE	*mem;
	int	 rc = -1;

	if (fmt != NULL && export_format_parse(fmt, &ef) != 0)
		return app_error(a, 404, "not_found");
	if (!staff_may(a, a->route.arg))
		return app_error(a, 403, "not_yours");
	if (app_form_id(a, a->route.arg, NULL, &f) != 0)
		return app_error(a, 404, "not_found");
	memset(&flt, 0, sizeof(flt));
	flt.service = a->route.arg;
	flt.from = req_param(&a->req.query, "from");
	flt.to = req_param(&a->req.query, "to");
	flt.status = req_param(&a->req.query, "status");
	if ((flt.from != NULL && when_parse_date(flt.from, &d) != 0) ||
	    (flt.to != NULL && when_parse_date(flt.to, &d) != 0) ||
	    (flt.status != NULL && !workflow_known(flt.status))) {
		form_free(&f);
		return app_error(a, 400, "bad_request");
	}
	buf_init(&name, 256);
	buf_init(&detail, 256);
	if (app_store(a) != 0 || when_now_iso(now) == -1 ||
	    (mem = open_memstream(&data, &len)) == NULL)
		goto out;
	rc = export_write(ef, mem, a->store, &f, &flt);
	if (fclose(mem) != 0 || rc != 0) {
		rc = -1;
		goto out;
	}
	buf_printf(&name, "%s-%.10s.%s", a->route.arg, now, exts[ef]);
	buf_printf(&detail, "%s %s", a->route.arg, exts[ef]);
	if (name.failed || detail.failed || store_audit(a->store,
	    a->staff.user, "export", NULL, NULL, NULL, buf_str(&detail), now) ==
	    STORE_ERROR) {
		rc = -1;
		goto out;
	}
	memset(&out, 0, sizeof(out));
	out.ctype = types[ef];
	out.filename = buf_str(&name);
	out.data = data;
	out.len = len;
	out.head_only = a->req.method == REQ_HEAD;
	render_download(&out, a->out);
	a->answered = 1;
out:
	free(data);
	buf_free(&name);
	buf_free(&detail);
	form_free(&f);
	return rc;
}
