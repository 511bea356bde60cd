/*
 * store_booking: appointments (docs/calendars.md). What is taken on a
 * calendar's day, and a booking taken in its submission's transaction:
 * whether the place is still free is decided there, with the write lock
 * held, so that two citizens sending the last place at once cannot both
 * have it.
 */
#ifndef RATHAUS_STORE_BOOKING_H
#define RATHAUS_STORE_BOOKING_H

#include <stddef.h>

#include "cal.h"
#include "store.h"

#define STORE_BLOCK_REASON_MAX	200	/* characters of a block's reason */

struct store;

/*
 * A booking to take with a submission (store_new.booking). `free` is
 * asked inside the transaction, with what is taken on the day of
 * `start` then: 1 the place is free (the booking is stored), 0 it is not
 * (nothing is stored, store_submit returns STORE_TAKEN).
 */
struct store_booking {
	const char	*calendar;
	const char	*field;		/* the slot question's name */
	const char	*start;		/* YYYY-MM-DDTHH:MM, local */
	const char	*end;		/* start + the service's length */
	const char	*held_end;	/* start + the length on the grid */
	int		(*free)(void *arg, const struct cal_taken *, size_t);
	void		*arg;
};

/* A submission's appointment as stored. */
struct store_booking_row {
	long		 id;
	char		 calendar[72];
	char		 field[STORE_FIELD_MAX];
	char		 start[CAL_SLOT_LEN];
	char		 end[CAL_SLOT_LEN];
	char		 held_end[CAL_SLOT_LEN];
	char		 state[16];	/* booked cancelled done noshow */
};

/* The appointment of submission `ref`: the one that stands, else the
 * last cancelled; STORE_NOTFOUND when it has none. */
int	 store_booking_of(struct store *, const char *ref,
	    struct store_booking_row *);

/* What is taken on `day` (YYYY-MM-DD) of `calendar`, bookings and blocks,
 * as minutes of that day; *out to free(). except_key: not the bookings
 * of submissions made with that form key (the citizen's own, sent
 * before: a double click is not a conflict); except_ref: not those of
 * that submission (its own place, when it moves); either may be NULL. */
int	 store_day_taken(struct store *, const char *calendar,
	    const char *day, const char *except_key, const char *except_ref,
	    struct cal_taken **out, size_t *n);

/* Within store_submit's transaction: STORE_OK, STORE_TAKEN or an error.
 * Audited as the citizen's "booking". */
int	 store_book(struct store *, const struct store_booking *,
	    const char *ref, const char *now);
/* The standing booking `id` of `ref` cancelled (audited
 * "booking-cancel"), or moved to `b` (the old one cancelled, "booking-
 * move", and `b` booked) in one transaction: STORE_OK, STORE_TAKEN (the
 * new time is gone; the old booking stands), STORE_CONFLICT (it no
 * longer stood), or a fault. */
int	 store_booking_cancel(struct store *, long id, const char *ref,
	    const char *actor, const char *now);
int	 store_booking_move(struct store *, long id, const char *ref,
	    const struct store_booking *b, const char *actor, const char *now);

/* A reminder to send: a standing booking not yet reminded of. */
struct store_reminder {
	long		 id;
	char		 ref[REF_MAX];
	char		 token[REF_TOKEN_LEN + 1];
	char		 lang[8];
	char		*email;
	char		*definition_xml;	/* or NULL */
	int		 account;	/* made logged in */
	char		 start[CAL_SLOT_LEN];
	char		 created[STORE_TIME_MAX];	/* ISO 8601 UTC */
};

/* The bookings that stand, start after `after` and no later than
 * `until` (local, YYYY-MM-DDTHH:MM), were not reminded of and have an
 * e-mail address; free with store_reminders_free. */
int	 store_reminders_due(struct store *, const char *after,
	    const char *until, struct store_reminder **, size_t *);
void	 store_reminders_free(struct store_reminder *, size_t);
/* Booking `id` reminded of at `now` and the mail queued, in one
 * transaction, if it still stands and was not reminded of meanwhile
 * (else STORE_CONFLICT, and nothing queued). */
int	 store_remind(struct store *, long id, const char *ref,
	    const char *to, const char *subject, const char *body,
	    const char *now);

/* One appointment of a calendar's day, for the clerks. */
struct store_day_row {
	long		 id;
	char		 ref[REF_MAX];
	char		 service[72];
	char		 state[16];
	char		 start[CAL_SLOT_LEN];
	char		 end[CAL_SLOT_LEN];
	char		*answers;	/* the submission's, for the name */
};

/* A clerk's block, for the clerks. */
struct store_block_row {
	long		 id;
	char		 start[CAL_SLOT_LEN];
	char		 end[CAL_SLOT_LEN];
	char		 reason[STORE_BLOCK_REASON_MAX * 4 + 1];
	char		 clerk[STORE_ACTOR_MAX];
};

/* The bookings (cancelled ones too) and blocks of `day` (YYYY-MM-DD) of
 * `calendar`, by time; free with store_day_free. */
int	 store_day(struct store *, const char *calendar, const char *day,
	    struct store_day_row **, size_t *, struct store_block_row **,
	    size_t *);
void	 store_day_free(struct store_day_row *, size_t,
	    struct store_block_row *);
/* A clerk marks a booking that stood or was marked: `state` done, noshow
 * or booked again (a mistake undone); audited booking-STATE.
 * STORE_CONFLICT when it is cancelled. */
int	 store_booking_mark(struct store *, long id, const char *ref,
	    const char *state, const char *actor, const char *now);
/* A clerk's block added (audited "block") or removed ("unblock"). */
int	 store_block_add(struct store *, const char *calendar,
	    const char *start, const char *end, const char *reason,
	    const char *clerk, const char *now);
int	 store_block_remove(struct store *, long id, const char *calendar,
	    const char *actor, const char *now);

#endif
