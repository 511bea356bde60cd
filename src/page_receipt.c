#include "config.h"

#include <stdio.h>

#include "app.h"
#include "buf.h"
#include "page.h"
#include "qr.h"

/*
 * The receipt: everything the citizen should keep, and a QR code that
 * holds the absolute status URL (reference and token).
 */
int
page_receipt(struct app *a)
{
	struct store_submission s;
	struct buf url, path;
	xmlNodePtr qr;
	char	 size[16];
	int	 n = 0, rc;

	if ((rc = app_submission(a, "receipt", &s)) != 0) {
		store_submission_free(&s);
		return rc > 0 ? 0 : -1;
	}
	buf_init(&url, 4096);
	buf_init(&path, 0);
	rc = -1;
	if (app_link(a, &url, "/status/", s.ref,
	    req_param(&a->req.query, "token")) == -1 ||
	    qr_path(buf_str(&url), &path, &n) == -1)
		goto out;
	app_child(a->root, "status-url", buf_str(&url));
	qr = app_child(a->root, "qr", NULL);
	snprintf(size, sizeof(size), "%d", n);
	xmlNewProp(qr, (const xmlChar *)"size", (const xmlChar *)size);
	xmlNewProp(qr, (const xmlChar *)"path", (const xmlChar *)buf_str(&path));
	rc = 0;
out:
	buf_free(&url);
	buf_free(&path);
	store_submission_free(&s);
	return rc;
}
