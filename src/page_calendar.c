#include "config.h"

#include <string.h>
#include <time.h>

#include "app.h"
#include "buf.h"
#include "ics.h"
#include "page.h"
#include "page_slot.h"
#include "render.h"

/*
 * GET /calendar/<ref>?token=<t>: the submission's appointment as an
 * iCalendar file (text/calendar), its words from xsl/calendar.xsl in the
 * page's language: the first line the summary, the second the place,
 * after a blank line the description (what to bring, how to cancel).
 * No appointment, or a wrong reference or token: 404.
 */
int
page_calendar(struct app *a)
{
	const struct render_dirs dirs = { a->conf.share_dir,
	    a->conf.site_dir, a->conf.data_dir };
	struct store_submission s;
	struct store_booking_row b;
	struct render_file file;
	struct ics_event e;
	struct buf text, ics, url, uid;
	const char *token = req_param(&a->req.query, "token"), *host;
	char	*place, *desc, name[48];
	int	 rc;

	if ((rc = app_submission(a, "calendar", token, &s)) != 0) {
		store_submission_free(&s);
		return rc > 0 ? 0 : -1;
	}
	buf_init(&text, 65536);
	buf_init(&ics, 65536);
	buf_init(&url, 4096);
	buf_init(&uid, 256);
	rc = -1;
	memset(&e, 0, sizeof(e));
	if ((rc = page_slot_booked(a, s.ref, &b)) <= 0) {
		if (rc == 0)
			rc = app_error(a, 404, "not_found");
		goto out;
	}
	rc = -1;
	if (app_link(a, &url, "/status/", s.ref, *a->owner_token != '\0' ?
	    NULL : token) != 0 ||
	    app_child(a->root, "status-url", buf_str(&url)) == NULL ||
	    render_text(&dirs, "calendar", a->doc, &text) != 0 ||
	    (place = strchr(text.data, '\n')) == NULL ||
	    (desc = strstr(place + 1, "\n\n")) == NULL)
		goto out;
	*place++ = '\0';
	*desc = '\0';
	desc += 2;
	/* The reference names the appointment for good: moved, it is the
	 * same event, and calendars replace it. */
	host = strstr(a->conf.base_url, "://");
	host = host != NULL ? host + 3 : "rathaus";
	buf_printf(&uid, "%s@%.*s", s.ref, (int)strcspn(host, ":/"), host);
	e.uid = buf_str(&uid);
	e.start = b.start;
	e.end = b.end;
	e.zone = a->conf.timezone;
	e.summary = text.data;
	e.location = *place != '\0' ? place : NULL;
	e.description = desc;
	e.url = buf_str(&url);
	e.stamp = time(NULL);
	e.cancelled = strcmp(b.state, "cancelled") == 0;
	/* A move is a new booking (a higher id), a cancellation the same
	 * booking's next version. */
	e.sequence = 2 * b.id + e.cancelled;
	if (uid.failed || ics_event(&ics, &e) != 0)
		goto out;
	snprintf(name, sizeof(name), "termin-%s.ics", s.ref);
	memset(&file, 0, sizeof(file));
	file.ctype = "text/calendar; charset=utf-8";
	file.filename = name;
	file.data = ics.data;
	file.len = ics.len;
	file.head_only = a->req.method == REQ_HEAD;
	render_download(&file, a->out);
	a->answered = 1;
	rc = 0;
out:
	buf_free(&text);
	buf_free(&ics);
	buf_free(&url);
	buf_free(&uid);
	store_submission_free(&s);
	return rc;
}
