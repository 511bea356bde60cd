#include "config.h"

#include "app.h"
#include "page.h"

/* Status and its history; the shared lookup does the work. */
int
page_status(struct app *a)
{
	struct store_submission s;
	int	 rc;

	rc = app_submission(a, "status", req_param(&a->req.query, "token"), &s);
	store_submission_free(&s);
	return rc > 0 ? 0 : rc;
}
