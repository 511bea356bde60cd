#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "when.h"

static void
test_when_parse_date(void **state)
{
	struct when_date d;

	(void)state;
	assert_int_equal(when_parse_date("2026-04-04", &d), 0);
	assert_int_equal(d.y, 2026);
	assert_int_equal(d.m, 4);
	assert_int_equal(d.d, 4);
	assert_int_equal(when_parse_date("2024-02-29", &d), 0);
	assert_int_equal(when_parse_date("2026-02-29", &d), -1);
	assert_int_equal(when_parse_date("2026-13-01", &d), -1);
	assert_int_equal(when_parse_date("2026-04-31", &d), -1);
	assert_int_equal(when_parse_date("2026-4-4", &d), -1);
	assert_int_equal(when_parse_date("04.04.2026", &d), -1);
	assert_int_equal(when_parse_date("2026-04-04x", &d), -1);
	assert_int_equal(when_parse_date("", &d), -1);
	assert_int_equal(when_parse_date("1900-02-29", &d), -1);
	assert_int_equal(when_parse_date("2000-02-29", &d), 0);
}

static void
test_when_parse_time(void **state)
{
	int	 m;

	(void)state;
	assert_int_equal(when_parse_time("19:30", &m), 0);
	assert_int_equal(m, 19 * 60 + 30);
	assert_int_equal(when_parse_time("00:00", &m), 0);
	assert_int_equal(when_parse_time("24:00", &m), -1);
	assert_int_equal(when_parse_time("12:60", &m), -1);
	assert_int_equal(when_parse_time("7:30", &m), -1);
	assert_int_equal(when_parse_time("07:30:00", &m), -1);
}

static void
test_when_days_roundtrip(void **state)
{
	struct when_date d = { 1970, 1, 1 }, back;
	long	 z;

	(void)state;
	assert_int_equal(when_days(&d), 0);
	for (z = -800000; z < 800000; z += 997) {
		when_from_days(z, &back);
		assert_int_equal(when_days(&back), z);
	}
}

/* Easter Sundays from published tables. */
static void
test_when_easter(void **state)
{
	static const struct when_date known[] = {
		{ 2024, 3, 31 }, { 2025, 4, 20 }, { 2026, 4, 5 },
		{ 2027, 3, 28 }, { 2028, 4, 16 }, { 2038, 4, 25 },
		{ 2285, 3, 22 }, { 1818, 3, 22 },
	};
	struct when_date e;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		when_easter(known[i].y, &e);
		assert_int_equal(e.m, known[i].m);
		assert_int_equal(e.d, known[i].d);
	}
}

static void
test_when_bounds(void **state)
{
	struct when_date today = { 2026, 3, 30 }, b;
	char	 s[11];

	(void)state;
	assert_int_equal(when_bound("today+4d", WHEN_MIN, 2026, &today, &b), 0);
	when_format(&b, s);
	assert_string_equal(s, "2026-04-03");
	/* Karsamstag 2026 is 04-04; four days before it is 03-31. */
	assert_int_equal(when_bound("easter-5d", WHEN_MAX, 2026, &today, &b), 0);
	when_format(&b, s);
	assert_string_equal(s, "2026-03-31");
	/* The value's year decides which Easter. */
	assert_int_equal(when_bound("easter-1d", WHEN_MIN, 2027, &today, &b), 0);
	when_format(&b, s);
	assert_string_equal(s, "2027-03-27");
	/* A list: for a minimum the latest term wins, for a maximum the earliest. */
	assert_int_equal(when_bound("easter-1d today+4d", WHEN_MIN, 2026,
	    &today, &b), 0);
	when_format(&b, s);
	assert_string_equal(s, "2026-04-04");
	assert_int_equal(when_bound("2026-12-31  today+10d", WHEN_MAX, 2026,
	    &today, &b), 0);
	when_format(&b, s);
	assert_string_equal(s, "2026-04-09");
	/* Month ends and leap days. */
	today.y = 2028; today.m = 2; today.d = 27;
	assert_int_equal(when_bound("today+2d", WHEN_MIN, 2028, &today, &b), 0);
	when_format(&b, s);
	assert_string_equal(s, "2028-02-29");
}

static void
test_when_bound_syntax(void **state)
{
	(void)state;
	assert_true(when_bound_valid("today"));
	assert_true(when_bound_valid("today-1d"));
	assert_true(when_bound_valid("easter+1d"));
	assert_true(when_bound_valid("2026-04-04"));
	assert_true(when_bound_valid("easter-1d today+4d"));
	assert_false(when_bound_valid(""));
	assert_false(when_bound_valid("tomorrow"));
	assert_false(when_bound_valid("today+4"));
	assert_false(when_bound_valid("today+d"));
	assert_false(when_bound_valid("today+-4d"));
	assert_false(when_bound_valid("today+4w"));
	assert_false(when_bound_valid("today+99999d"));
	assert_false(when_bound_valid("easter-1d bogus"));
	assert_false(when_bound_valid("2026-02-30"));
}

static void
test_when_local_iso(void **state)
{
	char	 out[WHEN_ISO_MAX];

	(void)state;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	assert_int_equal(when_local_iso("2026-04-01T10:00:00Z", out), 0);
	assert_string_equal(out, "2026-04-01T12:00:00+02:00");	/* summer */
	assert_int_equal(when_local_iso("2026-11-25T23:30:05Z", out), 0);
	assert_string_equal(out, "2026-11-26T00:30:05+01:00");	/* winter */
	assert_int_equal(when_local_iso("2026-04-01 10:00:00", out), -1);
	assert_int_equal(when_local_iso("2026-02-30T10:00:00Z", out), -1);
	assert_int_equal(when_local_iso("", out), -1);
}

/*
 * when_time() is never behind SQLite's 'now', through more than two
 * second boundaries: a mail the store queues "now" is due at it. time()
 * reads a coarse clock that lags by up to a tick just after a second
 * begins; the send after the response then found nothing due (it failed
 * test_outbox_delivers_once once under load).
 */
static void
test_when_time_not_behind_sqlite(void **state)
{
	struct timespec t0, t;
	sqlite3_stmt *st;
	sqlite3	*db;
	long long sql_now;
	time_t	 now;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT CAST(strftime('%s',"
	    " 'now') AS INTEGER)", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
	do {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		sql_now = sqlite3_column_int64(st, 0);
		assert_int_equal(sqlite3_reset(st), SQLITE_OK);
		now = when_time();
		if ((long long)now < sql_now)
			fail_msg("when_time() %lld behind SQLite's now %lld",
			    (long long)now, sql_now);
		assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t), 0);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
	    (t.tv_nsec - t0.tv_nsec) / 1000000 < 2200);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_when_parse_date),
		cmocka_unit_test(test_when_time_not_behind_sqlite),
		cmocka_unit_test(test_when_parse_time),
		cmocka_unit_test(test_when_days_roundtrip),
		cmocka_unit_test(test_when_easter),
		cmocka_unit_test(test_when_bounds),
		cmocka_unit_test(test_when_bound_syntax),
		cmocka_unit_test(test_when_local_iso),
	};

	return cmocka_run_group_tests_name("when", tests, NULL, NULL);
}
