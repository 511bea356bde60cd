#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "page.h"
#include "page_slot.h"
#include "qr.h"

/*
 * The receipt: everything the citizen should keep, and a QR code that
 * holds the absolute status URL (reference and token). The code is a
 * function of the URL in the page, so it is made only when the page is
 * (app.h, late), not when the page's memo serves it.
 */
static int
page_receipt_qr(struct app *a)
{
	xmlNodePtr n;
	struct buf path;
	char	 size[16];
	int	 rc = -1, k = 0;

	for (n = a->root->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, "status-url") == 0)
			break;
	if (n == NULL || n->children == NULL)
		return -1;
	buf_init(&path, 0);
	if (qr_path((const char *)n->children->content, &path, &k) == 0) {
		snprintf(size, sizeof(size), "%d", k);
		if (app_elem(a->root, "qr", NULL, "size", size, "path",
		    buf_str(&path), NULL) != NULL)
			rc = 0;
	}
	buf_free(&path);
	return rc;
}

int
page_receipt(struct app *a)
{
	struct store_submission s;
	struct store_booking_row b;
	struct buf url;
	int	 rc;

	if ((rc = app_submission(a, "receipt", req_param(&a->req.query, "token"), &s)) != 0) {
		store_submission_free(&s);
		return rc > 0 ? 0 : -1;
	}
	buf_init(&url, 4096);
	rc = -1;
	/* Opened as the account's own: no token in the page (nor its QR). */
	if (app_link(a, &url, "/status/", s.ref, *a->owner_token != '\0' ?
	    NULL : req_param(&a->req.query, "token")) == 0 &&
	    page_slot_booked(a, s.ref, &b) >= 0 &&
	    app_child(a->root, "status-url", buf_str(&url)) != NULL) {
		a->late = page_receipt_qr;
		rc = 0;
	}
	buf_free(&url);
	store_submission_free(&s);
	return rc;
}
