#include "config.h"

#include "app.h"
#include "page.h"
#include "page_slot.h"

/* Status and its history; the shared lookup does the work. */
int
page_status(struct app *a)
{
	struct store_submission s;
	struct store_booking_row b;
	int	 rc;

	rc = app_submission(a, "status", req_param(&a->req.query, "token"), &s);
	if (rc == 0 && page_slot_booked(a, s.ref, &b) < 0)
		rc = -1;
	store_submission_free(&s);
	return rc > 0 ? 0 : rc;
}
