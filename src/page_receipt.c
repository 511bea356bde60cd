#include "config.h"

#include <stdio.h>

#include "app.h"
#include "buf.h"
#include "page.h"
#include "page_slot.h"
#include "qr.h"

/*
 * The receipt: everything the citizen should keep, and a QR code that
 * holds the absolute status URL (reference and token).
 */
int
page_receipt(struct app *a)
{
	struct store_submission s;
	struct store_booking_row b;
	struct buf url, path;
	char	 size[16];
	int	 n = 0, rc;

	if ((rc = app_submission(a, "receipt", req_param(&a->req.query, "token"), &s)) != 0) {
		store_submission_free(&s);
		return rc > 0 ? 0 : -1;
	}
	buf_init(&url, 4096);
	buf_init(&path, 0);
	rc = -1;
	/* Opened as the account's own: no token in the page (nor its QR). */
	if (app_link(a, &url, "/status/", s.ref, *a->owner_token != '\0' ?
	    NULL : req_param(&a->req.query, "token")) == -1 ||
	    qr_path(buf_str(&url), &path, &n) == -1)
		goto out;
	snprintf(size, sizeof(size), "%d", n);
	if (page_slot_booked(a, s.ref, &b) < 0 ||
	    app_child(a->root, "status-url", buf_str(&url)) == NULL ||
	    app_elem(a->root, "qr", NULL, "size", size, "path", buf_str(&path),
	    NULL) == NULL)
		goto out;
	rc = 0;
out:
	buf_free(&url);
	buf_free(&path);
	store_submission_free(&s);
	return rc;
}
