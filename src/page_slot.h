/*
 * page_slot: a form's appointment question (type="slot",
 * docs/calendars.md). The free times of its calendar for the page, the
 * check that a chosen time is still free, and the booking handed to
 * store_submit, which takes it in the submission's transaction.
 */
#ifndef RATHAUS_PAGE_SLOT_H
#define RATHAUS_PAGE_SLOT_H

#include "cal.h"
#include "form.h"
#include "store_booking.h"
#include "valid.h"

struct app;

struct page_slot {
	const struct form_field *field;	/* NULL: the service books nothing */
	struct cal	 cal;
	int		 minutes;	/* the service's booking length */
	struct when_date today;
	int		 now_minute;
	const char	*except_ref;	/* moving: this submission's own place
					 * counts as free, or NULL */
	char		 start[CAL_SLOT_LEN];
	char		 end[CAL_SLOT_LEN];
	char		 held_end[CAL_SLOT_LEN];
	struct store_booking booking;
};

int	 page_slot_open(struct app *, const struct form *, struct page_slot *);
void	 page_slot_close(struct page_slot *);
int	 page_slot_check(struct app *, struct page_slot *, const char *key,
	    struct valid_result *);
int	 page_slot_offer(struct app *, struct page_slot *,
	    const struct valid_result *, const char *week);
int	 page_slot_offer_at(struct app *, struct page_slot *,
	    const char *chosen, const char *week);
const struct store_booking *page_slot_booking(struct page_slot *,
	    const struct valid_result *);
const struct store_booking *page_slot_book(struct page_slot *,
	    const char *slot);
int	 page_slot_calendar_texts(struct app *, const struct cal *,
	    xmlNodePtr node);
int	 page_slot_booked(struct app *, const char *ref,
	    struct store_booking_row *);

#endif
