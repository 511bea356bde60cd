#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "buf.h"
#include "store.h"
#include "store_admin.h"
#include "store_outbox.h"
#include "store_staff.h"
#include "testdb.h"
#include "tmpdir.h"

/* The file fields a sample submission answers with a file. */
static const char *const scan_only[] = { "scan", NULL };

static struct store_new
sample(const char *key, const char *token)
{
	struct store_new n = {
		.files = scan_only,
		.service = "osterfeuer", .version = 1,
		.values_xml = "<values><value name=\"name\">Anna</value></values>",
		.fee_cents = 0, .submit_key = key, .lang = "de", .token = token,
		.created = "2026-03-01T10:00:00Z", .year = 2026,
	};
	return n;
}

static long
count_in(const struct testdb_fixture *f, const char *table)
{
	struct buf sql;
	long	 n;

	buf_init(&sql, 256);
	buf_printf(&sql, "SELECT count(*) FROM %s", table);
	n = testdb_long(f->dir, buf_str(&sql));
	buf_free(&sql);
	return n;
}

static long
count_rows(const struct testdb_fixture *f)
{
	return count_in(f, "submission");
}

static void
test_store_submit_and_find(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample("k1", "00112233445566778899aabbccddeeff");
	struct store_receipt r1, r2;
	struct store_submission sub;

	assert_int_equal(store_submit(f->s, &n, &r1), STORE_OK);
	/* The check digit follows; compare the prefix only. */
	assert_memory_equal(r1.ref, "2026-000001-", 12);
	n = sample("k2", "ffeeddccbbaa99887766554433221100");
	assert_int_equal(store_submit(f->s, &n, &r2), STORE_OK);
	assert_memory_equal(r2.ref, "2026-000002-", 12);
	assert_false(r2.existing);

	assert_int_equal(store_find(f->s, r1.ref,
	    "00112233445566778899aabbccddeeff", &sub), STORE_OK);
	assert_string_equal(sub.service, "osterfeuer");
	assert_string_equal(sub.status, "received");
	assert_string_equal(sub.created, "2026-03-01T10:00:00Z");
	assert_non_null(strstr(sub.values_xml, "Anna"));
	assert_int_equal(sub.nhistory, 1);
	assert_string_equal(sub.history[0].status, "received");
	store_submission_free(&sub);
}

static void
test_store_wrong_token_is_not_found(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(NULL, "00112233445566778899aabbccddeeff");
	struct store_receipt r;
	struct store_submission sub;

	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_int_equal(store_find(f->s, r.ref,
	    "00112233445566778899aabbccddeef0", &sub), STORE_NOTFOUND);
	assert_int_equal(store_find(f->s, r.ref, "", &sub), STORE_NOTFOUND);
	assert_int_equal(store_find(f->s, "2026-999999-1",
	    "00112233445566778899aabbccddeeff", &sub), STORE_NOTFOUND);
	store_submission_free(&sub);
}

static void
test_store_double_submit_is_one_row(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample("same-key", "00112233445566778899aabbccddeeff");
	struct store_receipt r1, r2;
	long	 before = count_rows(f);

	assert_int_equal(store_submit(f->s, &n, &r1), STORE_OK);
	n.token = "ffffffffffffffffffffffffffffffff";
	assert_int_equal(store_submit(f->s, &n, &r2), STORE_OK);
	assert_true(r2.existing);
	assert_string_equal(r1.ref, r2.ref);
	/* The first token stays the one that opens the receipt. */
	assert_string_equal(r2.token, "00112233445566778899aabbccddeeff");
	assert_int_equal(count_rows(f), before + 1);
}

static void
test_store_references_count_per_year(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(NULL, "00112233445566778899aabbccddeeff");
	struct store_receipt r;

	n.year = 2027;
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_memory_equal(r.ref, "2027-000001-", 12);
	assert_true(ref_valid(r.ref));
}

/*
 * The reference is the next number, taken in the submission's own
 * transaction; a double submit keeps the first receipt and takes no
 * number (no gap).
 */
static void
test_store_reference_numbers(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample("k-res", "00112233445566778899aabbccddeeff");
	struct store_receipt r1, r2;

	assert_int_equal(store_submit(f->s, &n, &r1), STORE_OK);
	assert_memory_equal(r1.ref, "2026-000001-", 12);
	assert_true(ref_valid(r1.ref));
	assert_int_equal(store_submit(f->s, &n, &r2), STORE_OK);
	assert_true(r2.existing);
	assert_string_equal(r2.ref, r1.ref);
	assert_int_equal(count_rows(f), 1);
	n = sample(NULL, "ffeeddccbbaa99887766554433221100");
	assert_int_equal(store_submit(f->s, &n, &r2), STORE_OK);
	assert_memory_equal(r2.ref, "2026-000002-", 12);
}

/* One write (a submission without a key): store_submit's answer. */
static int
write_one(struct testdb_fixture *f, struct store_receipt *r)
{
	struct store_new n = sample(NULL, "00112233445566778899aabbccddeeff");

	return store_submit(f->s, &n, r);
}

/* A failed insert leaves nothing behind: not even a used reference. */
static void
test_store_failed_write_changes_nothing(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(NULL, "00112233445566778899aabbccddeeff");
	struct store_receipt r;
	long	 before = count_rows(f);

	n.fee_cents = -1;	/* violates the CHECK constraint */
	assert_int_equal(store_submit(f->s, &n, &r), STORE_ERROR);
	assert_string_equal(r.ref, "");
	assert_int_equal(count_rows(f), before);
	n.fee_cents = 0;
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_memory_equal(r.ref, "2026-000001-", 12);
}

static void
test_store_web_open_needs_init(void **state)
{
	char	 dir[TMPDIR_MAX];
	struct store *s = NULL;

	(void)state;
	assert_int_equal(tmpdir_make(dir, "empty"), 0);
	/* The web programs never create a database... */
	assert_int_equal(store_open(&s, dir, NULL, 0), STORE_UNAVAILABLE);
	/* ...nor use one that is not migrated. */
	assert_int_equal(store_open(&s, dir, NULL, 1), STORE_OK);
	store_close(s);
	assert_int_equal(store_open(&s, dir, NULL, 0), STORE_OUTDATED);
	tmpdir_remove(dir);
}

static void
test_store_migrate_is_idempotent(void **state)
{
	struct testdb_fixture *f = *state;
	int	 from, to;

	assert_int_equal(store_migrate(f->s, &from, &to), STORE_OK);
	assert_int_equal(from, to);
	assert_true(to >= 1);
}

/* Each secret is made once, by the migration, and differs from the others
 * and from another instance's. */
static void
test_store_secrets(void **state)
{
	struct testdb_fixture *f = *state;
	unsigned char form[REF_SECRET_LEN], csrf[REF_SECRET_LEN];
	unsigned char again[REF_SECRET_LEN], other[REF_SECRET_LEN];
	char	 dir[TMPDIR_MAX];
	struct store *s2;

	assert_int_equal(store_secret(f->s, "form", form), STORE_OK);
	assert_int_equal(store_secret(f->s, "csrf", csrf), STORE_OK);
	assert_memory_not_equal(form, csrf, REF_SECRET_LEN);
	assert_int_equal(store_secret(f->s, "form", again), STORE_OK);
	assert_memory_equal(form, again, REF_SECRET_LEN);
	assert_int_equal(store_secret(f->s, "nonesuch", again), STORE_NOTFOUND);
	assert_int_equal(testdb_create(dir, "secret", &s2), 0);
	assert_int_equal(store_secret(s2, "form", other), STORE_OK);
	assert_memory_not_equal(form, other, REF_SECRET_LEN);
	store_close(s2);
	tmpdir_remove(dir);
}

#define KEY	"0123456789abcdef0123456789abcdef"
#define KEY2	"fedcba9876543210fedcba9876543210"

static const unsigned char pdf[] = "%PDF-1.7 one";
static const unsigned char png[] = "\x89PNG\r\n\x1a\n two";

/* Room for all; nothing idle since the epoch. */
#define ROOMY(now)	{ STORE_UPLOAD_MAX * 4, STORE_UPLOAD_MAX * 64, (now), \
	"1970-01-01T00:00:00Z" }

/* Stage one file; what store_upload_put answered. */
static int
put_with(struct testdb_fixture *f, const char *key, const char *field,
    const char *filename, const unsigned char *data, size_t len,
    const struct store_staging *lim)
{
	struct store_staged file = { field, filename, data[0] == '%' ?
	    "application/pdf" : "image/png", data, len, 0 };
	int	 rc = store_upload_put(f->s, key, &file, 1, lim);

	return rc == STORE_OK && file.refused ? STORE_CONFLICT : rc;
}

static void
put(struct testdb_fixture *f, const char *key, const char *field,
    const char *filename, const unsigned char *data, size_t len,
    const char *created)
{
	struct store_staging lim = ROOMY(created);

	assert_int_equal(put_with(f, key, field, filename, data, len, &lim),
	    STORE_OK);
}

static long
count_uploads(const struct testdb_fixture *f)
{
	return count_in(f, "upload");
}

/* One file per field: a second put replaces the first; list has no data. */
static void
test_store_upload_put_replaces(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_upload *v;
	size_t	 n;

	put(f, KEY, "scan", "a.pdf", pdf, sizeof(pdf) - 1,
	    "2026-03-01T10:00:00Z");
	put(f, KEY, "photo", "b.png", png, sizeof(png) - 1,
	    "2026-03-01T10:00:01Z");
	put(f, KEY, "scan", "c.png", png, sizeof(png) - 1,
	    "2026-03-01T10:00:02Z");
	put(f, KEY2, "scan", "other.pdf", pdf, sizeof(pdf) - 1,
	    "2026-03-01T10:00:03Z");
	assert_int_equal(count_uploads(f), 3);
	assert_int_equal(store_upload_list(f->s, KEY, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].field, "photo");
	assert_string_equal(v[0].filename, "b.png");
	assert_string_equal(v[1].field, "scan");
	assert_string_equal(v[1].filename, "c.png");
	assert_string_equal(v[1].mime, "image/png");
	assert_int_equal(v[1].size, sizeof(png) - 1);
	assert_false(v[1].claimed);
	assert_null(v[0].data);
	assert_null(v[1].data);
	free(v);
	assert_int_equal(store_upload_list(f->s, "nokey", &v, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_null(v);
	/* Nothing to store is an error, not an empty file. */
	{
		struct store_staging lim = ROOMY("2026-03-01T10:00:04Z");

		assert_int_equal(put_with(f, KEY, "scan", "e.pdf", pdf, 0,
		    &lim), STORE_ERROR);
	}
	assert_int_equal(count_uploads(f), 3);
}

/* A submission with the key claims its files; one with another does not. */
static void
test_store_upload_claim(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(KEY, "00112233445566778899aabbccddeeff");
	struct store_new other = sample(KEY2, "ffeeddccbbaa99887766554433221100");
	struct store_receipt r, r2;
	struct store_upload u, *v;
	size_t	 nv;

	put(f, KEY, "scan", "a.pdf", pdf, sizeof(pdf) - 1,
	    "2026-03-01T10:00:00Z");
	put(f, KEY2, "scan", "b.png", png, sizeof(png) - 1,
	    "2026-03-01T10:00:00Z");
	/* Not claimed yet: the back office cannot see it. */
	assert_int_equal(store_upload_get(f->s, "2026-000001-1", "scan", &u),
	    STORE_NOTFOUND);
	other.submit_key = "99999999999999999999999999999999";
	assert_int_equal(store_submit(f->s, &other, &r2), STORE_OK);
	assert_int_equal(store_upload_get(f->s, r2.ref, "scan", &u),
	    STORE_NOTFOUND);

	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_int_equal(store_upload_get(f->s, r.ref, "scan", &u), STORE_OK);
	assert_string_equal(u.filename, "a.pdf");
	assert_string_equal(u.mime, "application/pdf");
	assert_int_equal(u.size, sizeof(pdf) - 1);
	assert_memory_equal(u.data, pdf, sizeof(pdf) - 1);
	store_upload_free(&u);
	assert_int_equal(store_upload_get(f->s, r.ref, "photo", &u),
	    STORE_NOTFOUND);
	assert_int_equal(store_upload_list(f->s, KEY, &v, &nv), STORE_OK);
	assert_int_equal(nv, 1);
	assert_true(v[0].claimed);
	free(v);
	/* KEY2's file is still staged. */
	assert_int_equal(store_upload_list(f->s, KEY2, &v, &nv), STORE_OK);
	assert_int_equal(nv, 1);
	assert_false(v[0].claimed);
	free(v);
	/* A claimed file is not replaced by a later put... */
	put(f, KEY, "scan", "new.png", png, sizeof(png) - 1,
	    "2026-03-01T11:00:00Z");
	assert_int_equal(store_upload_get(f->s, r.ref, "scan", &u), STORE_OK);
	assert_string_equal(u.filename, "a.pdf");
	store_upload_free(&u);
	assert_int_equal(count_uploads(f), 3);
}

/*
 * Only the file fields the submission answers are claimed: a file for a
 * question no longer asked stays staged (and expires), never stored with
 * the submission.
 */
static void
test_store_upload_claim_answered_only(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(KEY, "00112233445566778899aabbccddeeff");
	struct store_receipt r;
	struct store_upload u, *v;
	size_t	 nv;

	put(f, KEY, "scan", "a.pdf", pdf, sizeof(pdf) - 1,
	    "2026-03-01T10:00:00Z");
	put(f, KEY, "photo", "b.png", png, sizeof(png) - 1,
	    "2026-03-01T10:00:00Z");
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_int_equal(store_upload_get(f->s, r.ref, "scan", &u), STORE_OK);
	store_upload_free(&u);
	assert_int_equal(store_upload_get(f->s, r.ref, "photo", &u),
	    STORE_NOTFOUND);
	assert_int_equal(store_upload_list(f->s, KEY, &v, &nv), STORE_OK);
	assert_int_equal(nv, 2);
	assert_int_equal(v[0].claimed + v[1].claimed, 1);
	free(v);
}

/* A double submission keeps one record and one claim. */
static void
test_store_upload_double_submit(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(KEY, "00112233445566778899aabbccddeeff");
	struct store_receipt r1, r2, r3;
	struct store_upload u;

	put(f, KEY, "scan", "a.pdf", pdf, sizeof(pdf) - 1,
	    "2026-03-01T10:00:00Z");
	assert_int_equal(store_submit(f->s, &n, &r1), STORE_OK);
	assert_int_equal(store_submit(f->s, &n, &r2), STORE_OK);
	assert_true(r2.existing);
	assert_string_equal(r1.ref, r2.ref);
	assert_int_equal(count_uploads(f), 1);

	/* Back, another answer, send: a second record with its own copy. */
	n.values_xml = "<values><value name=\"name\">Berta</value></values>";
	assert_int_equal(store_submit(f->s, &n, &r3), STORE_OK);
	assert_false(r3.existing);
	assert_int_equal(count_uploads(f), 2);
	assert_int_equal(store_upload_get(f->s, r3.ref, "scan", &u), STORE_OK);
	assert_string_equal(u.filename, "a.pdf");
	store_upload_free(&u);
	assert_int_equal(store_upload_get(f->s, r1.ref, "scan", &u), STORE_OK);
	store_upload_free(&u);
}

/* Expiry deletes staged files untouched since then only. */
static void
test_store_upload_expire(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(KEY, "00112233445566778899aabbccddeeff");
	struct store_receipt r;
	struct store_upload u;
	long	 deleted;

	put(f, KEY, "scan", "old-claimed.pdf", pdf, sizeof(pdf) - 1,
	    "2026-01-01T10:00:00Z");
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	put(f, KEY2, "scan", "old.pdf", pdf, sizeof(pdf) - 1,
	    "2026-01-01T10:00:00Z");
	put(f, "another", "photo", "new.png", png, sizeof(png) - 1,
	    "2026-03-01T10:00:00Z");
	assert_int_equal(store_upload_expire(f->s, "2026-03-01T10:00:00Z",
	    &deleted), STORE_OK);
	assert_int_equal(deleted, 1);
	assert_int_equal(count_uploads(f), 2);
	assert_int_equal(store_upload_get(f->s, r.ref, "scan", &u), STORE_OK);
	store_upload_free(&u);
	assert_int_equal(store_upload_expire(f->s, "2026-03-01T10:00:00Z",
	    &deleted), STORE_OK);
	assert_int_equal(deleted, 0);
}

#define KEY3	"00000000000000000000000000000003"

/* How many files are staged (not claimed) under `key`. */
static long
staged(const struct testdb_fixture *f, const char *key)
{
	struct buf sql;
	long	 n;

	buf_init(&sql, 256);
	buf_printf(&sql, "SELECT count(*) FROM upload WHERE ref IS NULL AND"
	    " submit_key = '%s'", key);
	n = testdb_long(f->dir, buf_str(&sql));
	buf_free(&sql);
	return n;
}

/*
 * The caps: what one key has staged (a replaced file does not count
 * twice; over the cap that file is refused, its field keeps the file it
 * had, the request's other files are staged), and what all keys have
 * staged (over it nothing of the request is staged: STORE_CAPPED). A
 * file counts at least 4 KiB: many tiny files are no way around the
 * caps. Files a submission claimed do not count.
 */
static void
test_store_upload_caps(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_staging lim = { 25000, 60000, "2026-03-01T10:00:00Z",
	    "2026-03-01T09:00:00Z" };
	struct store_staging tiny = { 10000, 60000, "2026-03-01T10:00:00Z",
	    "2026-03-01T09:00:00Z" };
	struct store_new n = sample(KEY, "00112233445566778899aabbccddeeff");
	struct store_receipt r;
	struct store_staged two[2];
	static unsigned char big[20000] = "%PDF-";

	assert_int_equal(put_with(f, KEY, "scan", "a.pdf", big, 10000, &lim),
	    STORE_OK);
	assert_int_equal(put_with(f, KEY, "photo", "b.pdf", big, 10000, &lim),
	    STORE_OK);
	assert_int_equal(put_with(f, KEY, "third", "c.pdf", big, 10000, &lim),
	    STORE_CONFLICT);
	assert_int_equal(staged(f, KEY), 2);
	/* Replaced: 10000 + 14000 fit, 10000 + 16000 do not. */
	assert_int_equal(put_with(f, KEY, "scan", "d.pdf", big, 14000, &lim),
	    STORE_OK);
	assert_int_equal(put_with(f, KEY, "scan", "e.pdf", big, 16000, &lim),
	    STORE_CONFLICT);
	assert_int_equal(testdb_long(f->dir, "SELECT size FROM upload WHERE"
	    " field = 'scan' AND ref IS NULL"), 14000);

	/* In all: 24000 + 20000 fit; 44000 + 10000 + 10000 do not. */
	assert_int_equal(put_with(f, KEY2, "scan", "f.pdf", big, 20000, &lim),
	    STORE_OK);
	memset(two, 0, sizeof(two));
	two[0] = (struct store_staged){ "scan", "g.pdf", "application/pdf",
	    big, 10000, 0 };
	two[1] = (struct store_staged){ "photo", "h.pdf", "application/pdf",
	    big, 10000, 0 };
	assert_int_equal(store_upload_put(f->s, KEY3, two, 2, &lim),
	    STORE_CAPPED);
	assert_int_equal(staged(f, KEY3), 0);
	/* Claimed by a submission, KEY's scan no longer counts. */
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_int_equal(store_upload_put(f->s, KEY3, two, 2, &lim),
	    STORE_OK);
	assert_false(two[0].refused);
	assert_false(two[1].refused);
	assert_int_equal(staged(f, KEY3), 2);

	/* Tiny files count 4 KiB each: the third is over 10000. */
	assert_int_equal(put_with(f, "tiny", "a", "a.pdf", pdf,
	    sizeof(pdf) - 1, &tiny), STORE_OK);
	assert_int_equal(put_with(f, "tiny", "b", "b.pdf", pdf,
	    sizeof(pdf) - 1, &tiny), STORE_OK);
	assert_int_equal(put_with(f, "tiny", "c", "c.pdf", pdf,
	    sizeof(pdf) - 1, &tiny), STORE_CONFLICT);
}

/*
 * Abandoned files: whatever is staged drops the staged files untouched
 * since `idle_before` (of every key); staging under a key touches all
 * its staged files. Claimed files never expire; `rathaus purge`
 * (store_upload_expire) drops by the same time stamp.
 */
static void
test_store_upload_idle(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(KEY3, "00112233445566778899aabbccddeeff");
	struct store_receipt r;
	struct store_staging lim = ROOMY("2026-03-01T10:00:00Z");
	struct store_upload u;
	long	 deleted;

	lim.idle_before = "2026-03-01T09:00:00Z";
	assert_int_equal(put_with(f, KEY, "scan", "a.pdf", pdf,
	    sizeof(pdf) - 1, &lim), STORE_OK);
	lim.now = "2026-03-01T10:50:00Z";
	assert_int_equal(put_with(f, KEY, "photo", "b.png", png,
	    sizeof(png) - 1, &lim), STORE_OK);
	lim.now = "2026-03-01T11:30:00Z";
	lim.idle_before = "2026-03-01T10:30:00Z";
	assert_int_equal(put_with(f, KEY2, "scan", "c.pdf", pdf,
	    sizeof(pdf) - 1, &lim), STORE_OK);
	/* Both of KEY's were touched at 10:50. */
	assert_int_equal(staged(f, KEY), 2);
	lim.now = "2026-03-01T12:00:00Z";
	lim.idle_before = "2026-03-01T11:00:00Z";
	assert_int_equal(put_with(f, KEY3, "scan", "d.pdf", pdf,
	    sizeof(pdf) - 1, &lim), STORE_OK);
	assert_int_equal(staged(f, KEY), 0);
	assert_int_equal(staged(f, KEY2), 1);
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);

	lim.now = "2026-03-01T20:00:00Z";
	lim.idle_before = "2026-03-01T19:00:00Z";
	assert_int_equal(put_with(f, KEY, "scan", "e.pdf", pdf,
	    sizeof(pdf) - 1, &lim), STORE_OK);
	assert_int_equal(staged(f, KEY2), 0);
	assert_int_equal(store_upload_get(f->s, r.ref, "scan", &u), STORE_OK);
	store_upload_free(&u);
	assert_int_equal(store_upload_expire(f->s, "2026-03-01T20:00:00Z",
	    &deleted), STORE_OK);
	assert_int_equal(deleted, 0);
	assert_int_equal(store_upload_expire(f->s, "2026-03-01T20:00:01Z",
	    &deleted), STORE_OK);
	assert_int_equal(deleted, 1);
	assert_int_equal(count_uploads(f), 1);
}

/*
 * The definition a submission was made with comes back with it, kept
 * once however many submissions share the same text.
 */
static void
test_store_definition_kept(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new a = sample(KEY, "00112233445566778899aabbccddeeff");
	struct store_new b = sample(KEY2, "ffeeddccbbaa99887766554433221100");
	struct store_new c = sample(NULL, "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
	struct store_receipt r1, r2, r3;
	struct store_submission sub;

	a.definition_xml = b.definition_xml = "<service id=\"x\" version=\"1\"/>";
	c.definition_xml = "<service id=\"x\" version=\"2\"/>";
	assert_int_equal(store_submit(f->s, &a, &r1), STORE_OK);
	assert_int_equal(store_submit(f->s, &b, &r2), STORE_OK);
	assert_int_equal(store_submit(f->s, &c, &r3), STORE_OK);
	assert_int_equal(count_in(f, "definition"), 2);
	assert_int_equal(store_find(f->s, r2.ref, r2.token, &sub), STORE_OK);
	assert_string_equal(sub.definition_xml, a.definition_xml);
	store_submission_free(&sub);
	assert_int_equal(store_find(f->s, r3.ref, r3.token, &sub), STORE_OK);
	assert_string_equal(sub.definition_xml, c.definition_xml);
	store_submission_free(&sub);
}

/* A mail callback that queues one mail naming the new reference. */
static int
queue_one(struct store *s, void *arg, const struct store_receipt *r)
{
	char	 subject[64];

	if (arg != NULL)
		return -1;	/* the test's way of failing */
	snprintf(subject, sizeof(subject), "Eingang %s", r->ref);
	return store_queue_mail(s, r->ref, "erika@example.org", subject,
	    "Text");
}

/*
 * Mails are queued in the transaction of the change: with it, or (when
 * composing fails) neither the submission nor the mail.
 */
static void
test_store_mail_with_submission(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(KEY, "00112233445566778899aabbccddeeff");
	struct store_new bad = sample(KEY2, "ffeeddccbbaa99887766554433221100");
	struct store_receipt r;
	int	 fail = 1;

	n.mails = queue_one;
	n.email = "erika@example.org";
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_int_equal(count_in(f, "outbox"), 1);

	bad.mails = queue_one;
	bad.mails_arg = &fail;
	assert_int_equal(store_submit(f->s, &bad, &r), STORE_ERROR);
	assert_int_equal(count_in(f, "submission"), 1);
	assert_int_equal(count_in(f, "outbox"), 1);
}

#define CLAIM_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define CLAIM_B	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* The outbox's mails not sent yet, by kind. */
static void
assert_outbox_counts(struct testdb_fixture *f, long pending, long given_up,
    long unconfirmed)
{
	struct store_outbox_counts c;

	assert_int_equal(store_outbox_counts(f->s, &c), STORE_OK);
	assert_int_equal(c.pending, pending);
	assert_int_equal(c.given_up, given_up);
	assert_int_equal(c.unconfirmed, unconfirmed);
}

/* The mails due at `now`, claimed by `claim` for 30 s (or read only). */
static size_t
due(struct testdb_fixture *f, const char *now, const char *claim,
    const char *until, struct store_outbox_mail **m)
{
	size_t	 n;

	assert_int_equal(store_outbox_due(f->s, now, claim, until, 10, m, &n),
	    STORE_OK);
	return n;
}

/*
 * The outbox: due mails are claimed as they are read (a second reader
 * gets nothing), only the claim's holder hands a mail over, a mail
 * handed over is never due again (sent or not), failures count and
 * wait, given-up ones keep their error and are counted apart.
 */
static void
test_store_outbox(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(KEY, "00112233445566778899aabbccddeeff");
	struct store_new n2 = sample(KEY2, "ffeeddccbbaa99887766554433221100");
	struct store_outbox_mail *m;
	struct store_receipt r;
	size_t	 nm;
	long	 first, second;

	n.mails = n2.mails = queue_one;
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_int_equal(store_submit(f->s, &n2, &r), STORE_OK);
	assert_outbox_counts(f, 2, 0, 0);
	/* Nothing is due before it was queued. */
	assert_int_equal(due(f, "2000-01-01T00:00:00Z", NULL, NULL, &m), 0);
	store_outbox_free(m, 0);

	assert_int_equal(store_outbox_due(f->s, "2100-01-01T00:00:00Z",
	    CLAIM_A, "2100-01-01T00:00:30Z", 1, &m, &nm), STORE_OK);
	assert_int_equal(nm, 1);
	first = m[0].id;
	assert_string_equal(m[0].recipient, "erika@example.org");
	assert_memory_equal(m[0].subject, "Eingang 2026-000001-", 20);
	assert_string_equal(m[0].body, "Text");
	assert_int_equal(m[0].attempts, 0);
	store_outbox_free(m, 1);
	/* Claimed: the next reader gets the other mail only. */
	assert_int_equal(due(f, "2100-01-01T00:00:00Z", CLAIM_B,
	    "2100-01-01T00:00:30Z", &m), 1);
	second = m[0].id;
	assert_memory_equal(m[0].subject, "Eingang 2026-000002-", 20);
	store_outbox_free(m, 1);
	/* A failure of another runner's mail changes nothing. */
	assert_int_equal(store_outbox_failed(f->s, second, CLAIM_A, "451",
	    "2100-01-01T00:01:00Z"), STORE_OK);
	assert_int_equal(store_outbox_failed(f->s, second, CLAIM_B,
	    "451 try later", "2100-01-01T00:01:00Z"), STORE_OK);
	assert_int_equal(count_in(f, "outbox WHERE attempts = 1 AND"
	    " last_error = '451 try later' AND claim IS NULL"), 1);

	/* The first claim ran out: B takes it; A may no longer hand it over. */
	assert_int_equal(due(f, "2100-01-01T00:00:40Z", CLAIM_B,
	    "2100-01-01T00:01:10Z", &m), 1);
	assert_int_equal(m[0].id, first);
	store_outbox_free(m, 1);
	assert_int_equal(store_outbox_hand(f->s, first, CLAIM_A,
	    "2100-01-01T00:00:41Z"), STORE_CONFLICT);
	assert_int_equal(store_outbox_hand(f->s, first, CLAIM_B,
	    "2100-01-01T00:00:41Z"), STORE_OK);
	assert_int_equal(store_outbox_hand(f->s, first, CLAIM_B,
	    "2100-01-01T00:00:41Z"), STORE_CONFLICT);
	/* Handed over: not due, whenever; unconfirmed until it is sent. */
	assert_int_equal(due(f, "2100-01-02T00:00:00Z", NULL, NULL, &m), 1);
	assert_int_equal(m[0].id, second);
	store_outbox_free(m, 1);
	assert_outbox_counts(f, 1, 0, 1);
	assert_int_equal(store_outbox_sent(f->s, first,
	    "2100-01-01T00:00:42Z"), STORE_OK);
	assert_outbox_counts(f, 1, 0, 0);

	/* The server refused what it was handed: due again after the wait. */
	assert_int_equal(due(f, "2100-01-01T00:02:00Z", CLAIM_A,
	    "2100-01-01T00:02:30Z", &m), 1);
	assert_int_equal(m[0].attempts, 1);
	store_outbox_free(m, 1);
	assert_int_equal(store_outbox_hand(f->s, second, CLAIM_A,
	    "2100-01-01T00:02:01Z"), STORE_OK);
	assert_int_equal(store_outbox_failed(f->s, second, CLAIM_A,
	    "554 refused", "2100-01-01T00:04:00Z"), STORE_OK);
	assert_int_equal(due(f, "2100-01-01T00:04:00Z", CLAIM_B,
	    "2100-01-01T00:04:30Z", &m), 1);
	assert_int_equal(m[0].attempts, 2);
	store_outbox_free(m, 1);
	/* Handed over, no answer: never due again, counted apart. */
	assert_int_equal(store_outbox_hand(f->s, second, CLAIM_B,
	    "2100-01-01T00:04:01Z"), STORE_OK);
	assert_int_equal(store_outbox_unsure(f->s, second, "no answer"),
	    STORE_OK);
	assert_int_equal(due(f, "9999-12-31T23:59:58Z", NULL, NULL, &m), 0);
	store_outbox_free(m, 0);
	assert_outbox_counts(f, 0, 0, 1);
	assert_int_equal(count_in(f, "outbox WHERE attempts = 3 AND"
	    " last_error = 'no answer' AND handed IS NOT NULL"), 1);
}

/* The tenth failure, or one that says so, gives a mail up for good. */
static void
test_store_outbox_given_up(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(KEY, "00112233445566778899aabbccddeeff");
	struct store_outbox_mail *m;
	struct store_receipt r;

	n.mails = queue_one;
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	assert_int_equal(due(f, "2100-01-01T00:00:00Z", CLAIM_A,
	    "2100-01-01T00:00:30Z", &m), 1);
	assert_int_equal(store_outbox_failed(f->s, m[0].id, CLAIM_A,
	    "550 no such user", NULL), STORE_OK);
	store_outbox_free(m, 1);
	assert_int_equal(due(f, "9999-12-31T23:59:59Z", NULL, NULL, &m), 0);
	store_outbox_free(m, 0);
	assert_outbox_counts(f, 0, 1, 0);
	assert_int_equal(count_in(f, "outbox WHERE last_error ="
	    " '550 no such user'"), 1);
}

/*
 * A database made by the first schema (as `rathaus init` of the last
 * release left it) migrates with its submissions intact.
 */
static void
test_store_migrate_from_1(void **state)
{
	static const char v1[] =
	    "CREATE TABLE submission (id INTEGER PRIMARY KEY,"
	    " ref TEXT NOT NULL UNIQUE, token TEXT NOT NULL,"
	    " service TEXT NOT NULL, service_version INTEGER NOT NULL,"
	    " answers TEXT NOT NULL,"
	    " fee_cents INTEGER NOT NULL CHECK (fee_cents >= 0),"
	    " created TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'received',"
	    " submit_key TEXT, lang TEXT NOT NULL DEFAULT 'de');"
	    "CREATE TABLE status_event (id INTEGER PRIMARY KEY,"
	    " submission_id INTEGER NOT NULL REFERENCES submission(id),"
	    " status TEXT NOT NULL, at TEXT NOT NULL);"
	    "CREATE INDEX status_event_submission ON status_event(submission_id);"
	    "CREATE INDEX submission_key ON submission(submit_key);"
	    "CREATE TABLE ref_counter (year INTEGER PRIMARY KEY,"
	    " last INTEGER NOT NULL);"
	    "INSERT INTO submission VALUES (1, '2026-000001-7', '"
	    "00112233445566778899aabbccddeeff', 'osterfeuer', 1,"
	    " '<values/>', 0, '2026-01-01T10:00:00Z', 'received', '" KEY "',"
	    " 'de');"
	    "INSERT INTO status_event VALUES (1, 1, 'received',"
	    " '2026-01-01T10:00:00Z');"
	    "INSERT INTO ref_counter VALUES (2026, 1);"
	    "PRAGMA user_version=1;";
	char	 dir[TMPDIR_MAX];
	struct buf path;
	struct store *s;
	struct store_submission sub;
	struct store_new n = sample(KEY2, "ffeeddccbbaa99887766554433221100");
	struct store_receipt r;
	struct store_upload u;
	sqlite3	*db;
	int	 from, to;

	(void)state;
	assert_int_equal(tmpdir_make(dir, "migrate"), 0);
	buf_init(&path, 256);
	buf_printf(&path, "%s/rathaus.db", dir);
	assert_int_equal(sqlite3_open(buf_str(&path), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	buf_free(&path);

	assert_int_equal(store_open(&s, dir, NULL, 0), STORE_OUTDATED);
	assert_int_equal(store_open(&s, dir, NULL, 1), STORE_OK);
	assert_int_equal(store_migrate(s, &from, &to), STORE_OK);
	assert_int_equal(from, 1);
	assert_int_equal(to, store_schema_version());
	store_close(s);
	assert_int_equal(store_open(&s, dir, NULL, 0), STORE_OK);
	assert_int_equal(store_find(s, "2026-000001-7",
	    "00112233445566778899aabbccddeeff", &sub), STORE_OK);
	assert_string_equal(sub.service, "osterfeuer");
	assert_int_equal(sub.nhistory, 1);
	assert_null(sub.definition_xml);	/* none was kept then */
	store_submission_free(&sub);
	/* The new table works, and the counter went on where it was. */
	{
		struct store_staging lim = ROOMY("2026-03-01T10:00:00Z");
		struct store_staged file = { "scan", "a.pdf",
		    "application/pdf", pdf, sizeof(pdf) - 1, 0 };

		assert_int_equal(store_upload_put(s, KEY2, &file, 1, &lim),
		    STORE_OK);
	}
	assert_int_equal(store_submit(s, &n, &r), STORE_OK);
	assert_memory_equal(r.ref, "2026-000002-", 12);
	/* Schema 11 indexed and counted the row that was there. */
	{
		struct store_inbox_query q;
		struct store_inbox in;

		memset(&q, 0, sizeof(q));
		q.search = "000001";
		assert_int_equal(store_inbox(s, &q, &in), STORE_OK);
		assert_int_equal(in.nrows, 1);
		assert_string_equal(in.rows[0].ref, "2026-000001-7");
		assert_int_equal(in.counts[0], 2);	/* received */
		store_inbox_free(&in);
	}
	assert_int_equal(store_upload_get(s, r.ref, "scan", &u), STORE_OK);
	store_upload_free(&u);
	store_close(s);
	tmpdir_remove(dir);
}

static void
add_note(const struct testdb_fixture *f, const char *ref)
{
	sql_exec(f->dir, "INSERT INTO note(submission_id, author, at, text)"
	    " SELECT id, 'clerk', '2026-01-05T10:00:00Z', 'rief an'"
	    " FROM submission WHERE ref = '%s'", ref);
}

/* Submit one of `service`, created at `created`, with an address. */
static void
submit_at(struct testdb_fixture *f, const char *service, const char *key,
    const char *created, struct store_receipt *r)
{
	struct store_new n = sample(key, "00112233445566778899aabbccddeeff");

	n.service = service;
	n.created = created;
	n.email = "anna@example.org";
	assert_int_equal(store_submit(f->s, &n, r), STORE_OK);
}

/*
 * Only what is due is purged: completed or rejected before the cutoff
 * and not purged yet, of this service. Its files, notes, e-mail, status
 * messages, replies and the citizen's account go; its metadata and the audit row stay; again: none.
 */
static void
test_store_purge_due_only(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_receipt open, due, recent, done, other;
	struct store_upload u;
	struct buf q;
	long	 count;

	put(f, KEY, "scan", "a.pdf", pdf, sizeof(pdf) - 1,
	    "2025-12-01T10:00:00Z");
	submit_at(f, "osterfeuer", KEY, "2025-12-01T10:00:00Z", &due);
	put(f, KEY2, "scan", "b.pdf", pdf, sizeof(pdf) - 1,
	    "2025-11-01T10:00:00Z");
	submit_at(f, "osterfeuer", KEY2, "2025-11-01T10:00:00Z", &open);
	submit_at(f, "osterfeuer", NULL, "2025-12-02T10:00:00Z", &recent);
	submit_at(f, "osterfeuer", NULL, "2025-12-03T10:00:00Z", &done);
	submit_at(f, "hundeanmeldung", NULL, "2025-12-04T10:00:00Z", &other);
	sql_set_status(f->dir, due.ref, "completed", "2026-01-10T09:00:00Z");
	sql_set_status(f->dir, recent.ref, "rejected", "2026-01-10T09:00:00Z");
	sql_set_status(f->dir, recent.ref, "completed", "2026-02-20T09:00:00Z");
	sql_set_status(f->dir, done.ref, "rejected", "2026-01-02T09:00:00Z");
	sql_exec(f->dir, "UPDATE submission SET purged = '2026-01-20T03:00:00Z'"
	    " WHERE ref = '%s'", done.ref);
	sql_set_status(f->dir, other.ref, "completed", "2026-01-10T09:00:00Z");
	add_note(f, due.ref);
	add_note(f, recent.ref);
	/* Sent by a logged-in citizen, who answered the town hall once. */
	sql_exec(f->dir, "UPDATE submission SET subject = 'sub@idp',"
	    " trust_level = 'substantial' WHERE ref IN ('%s', '%s');"
	    "INSERT INTO reply(submission_id, at, text) SELECT id,"
	    " '2026-01-05T10:00:00Z', 'Anbei' FROM submission WHERE ref IN"
	    " ('%s', '%s')", due.ref, open.ref, due.ref, open.ref);

	assert_int_equal(store_purge(f->s, "osterfeuer",
	    "2026-02-01T03:00:00Z", "rathaus purge", "2026-03-01T03:00:00Z",
	    &count), STORE_OK);
	assert_int_equal(count, 1);
	/* The account and the replies go with the answers. */
	assert_int_equal(count_in(f, "submission WHERE subject IS NOT NULL"
	    " OR trust_level IS NOT NULL"), 1);
	assert_int_equal(count_in(f, "reply"), 1);

	buf_init(&q, 1024);
	buf_printf(&q, "submission WHERE ref = '%s' AND answers = '<values/>'"
	    " AND email IS NULL AND purged = '2026-03-01T03:00:00Z'"
	    " AND status = 'completed' AND created = '2025-12-01T10:00:00Z'",
	    due.ref);
	assert_int_equal(count_in(f, buf_str(&q)), 1);
	assert_int_equal(count_in(f, "submission WHERE answers = '<values/>'"),
	    1);
	assert_int_equal(count_in(f, "submission WHERE email IS NULL"), 1);
	assert_int_equal(store_upload_get(f->s, due.ref, "scan", &u),
	    STORE_NOTFOUND);
	assert_int_equal(store_upload_get(f->s, open.ref, "scan", &u),
	    STORE_OK);
	store_upload_free(&u);
	assert_int_equal(count_in(f, "note"), 1);
	buf_reset(&q);
	buf_printf(&q, "status_event e JOIN submission s ON s.id ="
	    " e.submission_id WHERE e.message IS NULL AND s.ref = '%s'"
	    " AND e.actor = 'clerk'", due.ref);
	assert_int_equal(count_in(f, buf_str(&q)), 1);
	assert_int_equal(count_in(f, "status_event WHERE message IS NOT NULL"),
	    4);
	buf_reset(&q);
	buf_printf(&q, "audit WHERE actor = 'rathaus purge' AND action ="
	    " 'purge' AND ref = '%s' AND detail = 'retention'"
	    " AND at = '2026-03-01T03:00:00Z'", due.ref);
	assert_int_equal(count_in(f, buf_str(&q)), 1);
	assert_int_equal(count_in(f, "audit"), 1);

	/* Idempotent: nothing more is due, nothing more is written. */
	assert_int_equal(store_purge(f->s, "osterfeuer",
	    "2026-02-01T03:00:00Z", "rathaus purge", "2026-03-02T03:00:00Z",
	    &count), STORE_OK);
	assert_int_equal(count, 0);
	assert_int_equal(count_in(f, "audit"), 1);
	buf_free(&q);
}

/* The receipt and the clerk's notice, both naming the reference. */
static int
queue_two(struct store *s, void *arg, const struct store_receipt *r)
{
	char	 subject[64];

	(void)arg;
	snprintf(subject, sizeof(subject), "Neuer Antrag: %s", r->ref);
	if (store_queue_mail(s, r->ref, "clerk@example.org", subject,
	    "Link") != STORE_OK)
		return -1;
	return queue_one(s, NULL, r);
}

/* Mails of the outbox whose subject ends in `ref`. */
static long
mails_of(const struct testdb_fixture *f, const char *ref)
{
	struct buf q;
	long	 n;

	buf_init(&q, 256);
	buf_printf(&q, "outbox WHERE subject LIKE '%%%s'", ref);
	n = count_in(f, buf_str(&q));
	buf_free(&q);
	return n;
}

/*
 * Purging a submission deletes its mails, sent or not: they hold the
 * citizen's address and the link with the token. Those of a submission
 * that is kept stay.
 */
static void
test_store_purge_deletes_its_mails(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample(KEY, "00112233445566778899aabbccddeeff");
	struct store_new n2 = sample(KEY2, "ffeeddccbbaa99887766554433221100");
	struct store_receipt due, kept;
	long	 count;

	n.mails = n2.mails = queue_two;
	n.email = n2.email = "erika@example.org";
	n.created = n2.created = "2025-12-01T10:00:00Z";
	assert_int_equal(store_submit(f->s, &n, &due), STORE_OK);
	assert_int_equal(store_submit(f->s, &n2, &kept), STORE_OK);
	sql_set_status(f->dir, due.ref, "completed", "2026-01-10T09:00:00Z");
	/* One of its mails went out, the other did not (mail was off). */
	sql_exec(f->dir, "UPDATE outbox SET sent = '2025-12-01T10:00:05Z'"
	    " WHERE subject = 'Eingang %s'", due.ref);
	assert_int_equal(mails_of(f, due.ref), 2);

	assert_int_equal(store_purge(f->s, "osterfeuer",
	    "2026-02-01T03:00:00Z", "rathaus purge", "2026-03-01T03:00:00Z",
	    &count), STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(mails_of(f, due.ref), 0);
	assert_int_equal(mails_of(f, kept.ref), 2);
	/* Each mail names its submission. */
	assert_int_equal(count_in(f, "outbox o JOIN submission s ON s.id ="
	    " o.submission_id WHERE o.subject LIKE '%' || s.ref"), 2);
}

/*
 * Mails done (sent, unconfirmed, given up) more than the cutoff ago go;
 * recent ones and those still to be sent stay, however old.
 */
static void
test_store_outbox_expire(void **state)
{
	struct testdb_fixture *f = *state;
	long	 deleted;

	sql_exec(f->dir, "INSERT INTO outbox(created, recipient, subject,"
	    " body, next_try, sent, handed) VALUES"
	    " ('2026-01-01T10:00:00Z', 'a@example.org', 'sent long ago', 'x',"
	    "  '2026-01-01T10:00:00Z', '2026-01-01T10:00:01Z',"
	    "  '2026-01-01T10:00:00Z'),"
	    " ('2026-01-01T10:00:00Z', 'a@example.org', 'sent lately', 'x',"
	    "  '2026-01-01T10:00:00Z', '2026-03-01T10:00:01Z',"
	    "  '2026-03-01T10:00:00Z'),"
	    " ('2026-01-01T10:00:00Z', 'a@example.org', 'unconfirmed', 'x',"
	    "  '2026-01-01T10:00:30Z', NULL, '2026-01-01T10:00:00Z'),"
	    " ('2026-01-01T10:00:00Z', 'a@example.org', 'given up', 'x',"
	    "  '" STORE_OUTBOX_NEVER "', NULL, NULL),"
	    " ('2026-01-01T10:00:00Z', 'a@example.org', 'to be sent', 'x',"
	    "  '2026-01-01T11:00:00Z', NULL, NULL)");
	assert_int_equal(store_outbox_expire(f->s, "2026-02-01T00:00:00Z",
	    &deleted), STORE_OK);
	assert_int_equal(deleted, 3);
	assert_int_equal(count_in(f, "outbox WHERE subject IN ('sent lately',"
	    " 'to be sent')"), 2);
	assert_int_equal(count_in(f, "outbox"), 2);
	assert_int_equal(store_outbox_expire(f->s, "2026-02-01T00:00:00Z",
	    &deleted), STORE_OK);
	assert_int_equal(deleted, 0);
}

/*
 * The migration that names a mail's submission finds it for the mails
 * queued before: the reference at the end of their subject. This test
 * rebuilds the outbox of schema 4 and undoes what came after schema 9
 * (10: the citizen's account; 11: counts, search index, inbox indexes).
 */
static void
test_store_migrate_outbox_names_submission(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_receipt a, b;
	struct buf q;
	int	 from, to;

	submit_at(f, "osterfeuer", KEY, "2026-01-01T10:00:00Z", &a);
	submit_at(f, "osterfeuer", KEY2, "2026-01-01T10:00:00Z", &b);
	sql_exec(f->dir, "DROP TABLE booking; DROP TABLE cal_block;"
	    "DROP TRIGGER status_count_insert;"
	    "DROP TRIGGER status_count_update; DROP TRIGGER status_count_delete;"
	    "DROP TABLE status_count; DROP TABLE submission_search;"
	    "DROP INDEX submission_created; DROP INDEX submission_service_status;"
	    "DROP INDEX submission_status;"
	    "CREATE INDEX submission_status ON submission(status);"
	    "DROP TABLE reply; DROP INDEX submission_subject;"
	    "ALTER TABLE submission DROP COLUMN subject;"
	    "ALTER TABLE submission DROP COLUMN trust_level;"
	    "DROP TABLE outbox;"
	    "CREATE TABLE outbox (id INTEGER PRIMARY KEY, created TEXT NOT NULL,"
	    " recipient TEXT NOT NULL, subject TEXT NOT NULL,"
	    " body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	    " next_try TEXT NOT NULL, sent TEXT, last_error TEXT);"
	    "CREATE INDEX outbox_due ON outbox(next_try) WHERE sent IS NULL;"
	    "INSERT INTO outbox(created, recipient, subject, body, next_try)"
	    " VALUES ('2026-01-01T10:00:00Z', 'anna@example.org',"
	    " 'Ihre Anmeldung ist eingegangen: %s', 'x', '2026-01-01T10:00:00Z'),"
	    " ('2026-01-01T10:00:00Z', 'clerk@example.org',"
	    " 'Neuer Antrag: %s', 'x', '2026-01-01T10:00:00Z'),"
	    " ('2026-01-01T10:00:00Z', 'x@example.org', 'Test', 'x',"
	    " '2026-01-01T10:00:00Z');"
	    "PRAGMA user_version = 8", a.ref, b.ref);
	/* As `rathaus init` would: a connection that reads the old schema. */
	store_close(f->s);
	assert_int_equal(store_open(&f->s, f->dir, NULL, 1), STORE_OK);
	assert_int_equal(store_migrate(f->s, &from, &to), STORE_OK);
	assert_int_equal(from, 8);
	assert_int_equal(to, store_schema_version());
	buf_init(&q, 512);
	buf_printf(&q, "outbox o JOIN submission s ON s.id = o.submission_id"
	    " WHERE (s.ref = '%s' AND o.recipient = 'anna@example.org') OR"
	    " (s.ref = '%s' AND o.recipient = 'clerk@example.org')", a.ref,
	    b.ref);
	assert_int_equal(count_in(f, buf_str(&q)), 2);
	buf_free(&q);
	assert_int_equal(count_in(f, "outbox WHERE submission_id IS NULL"), 1);
}

/* What a walk saw: the references in order, and whether it stops. */
struct seen {
	struct buf	 refs;
	int		 stop_after;	/* 0: never */
	int		 n;
};

static int
seen_row(void *arg, const struct store_row *row)
{
	struct seen *s = arg;

	buf_printf(&s->refs, "%s %s %s|", row->ref, row->created, row->status);
	assert_int_equal(row->version, 1);
	assert_non_null(strstr(row->answers_xml, "Anna"));
	assert_string_equal(row->email, "anna@example.org");
	assert_null(row->purged);
	assert_null(row->definition_xml);
	return s->stop_after != 0 && ++s->n >= s->stop_after;
}

static void
each(struct testdb_fixture *f, const char *from, const char *to,
    const char *status, const char *want)
{
	struct store_filter flt = { "osterfeuer", from, to, status };
	struct seen s = { .stop_after = 0 };

	buf_init(&s.refs, 4096);
	assert_int_equal(store_each(f->s, &flt, seen_row, &s), STORE_OK);
	assert_string_equal(buf_str(&s.refs), want);
	buf_free(&s.refs);
}

/* Oldest first, dates inclusive (whole days), by status; a stop stops. */
static void
test_store_each_filters(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_filter flt = { "osterfeuer", NULL, NULL, NULL };
	struct store_receipt r[4];
	struct seen s = { .stop_after = 1 };

	/* Created out of order: the walk sorts by time. */
	submit_at(f, "osterfeuer", NULL, "2026-03-02T23:59:59Z", &r[0]);
	submit_at(f, "osterfeuer", NULL, "2026-03-01T00:00:00Z", &r[1]);
	submit_at(f, "osterfeuer", NULL, "2026-03-03T08:00:00Z", &r[2]);
	submit_at(f, "hundeanmeldung", NULL, "2026-03-02T10:00:00Z", &r[3]);
	sql_set_status(f->dir, r[0].ref, "completed", "2026-03-04T10:00:00Z");

	each(f, NULL, NULL, NULL, "2026-000002-8 2026-03-01T00:00:00Z received|"
	    "2026-000001-5 2026-03-02T23:59:59Z completed|"
	    "2026-000003-1 2026-03-03T08:00:00Z received|");
	each(f, "2026-03-02", "2026-03-02", NULL,
	    "2026-000001-5 2026-03-02T23:59:59Z completed|");
	each(f, "2026-03-01", "2026-03-02", "received",
	    "2026-000002-8 2026-03-01T00:00:00Z received|");
	each(f, "2026-03-03", NULL, NULL,
	    "2026-000003-1 2026-03-03T08:00:00Z received|");
	each(f, NULL, "2026-02-28", NULL, "");
	each(f, NULL, NULL, "rejected", "");

	buf_init(&s.refs, 4096);
	assert_int_equal(store_each(f->s, &flt, seen_row, &s), STORE_ERROR);
	assert_string_equal(buf_str(&s.refs),
	    "2026-000002-8 2026-03-01T00:00:00Z received|");
	buf_free(&s.refs);
	flt.from = "1.3.2026";
	assert_int_equal(store_each(f->s, &flt, seen_row, &s), STORE_ERROR);
	flt.from = NULL;
	flt.service = NULL;
	assert_int_equal(store_each(f->s, &flt, seen_row, &s), STORE_ERROR);
}

/* ---- when things go wrong (issue 10) ---------------------------------- */

static void
side_path(const struct testdb_fixture *f, const char *suffix, char *out, size_t n)
{
	snprintf(out, n, "%s/rathaus.db%s", f->dir, suffix);
}

/* The -wal and -shm as they are after a close, or empty ones. */
static void
side_files(const struct testdb_fixture *f, char wal[128], char shm[128])
{
	int	 fd;

	side_path(f, "-wal", wal, 128);
	side_path(f, "-shm", shm, 128);
	assert_true((fd = open(wal, O_WRONLY | O_CREAT, 0644)) != -1);
	close(fd);
	assert_true((fd = open(shm, O_WRONLY | O_CREAT, 0644)) != -1);
	close(fd);
}

/*
 * A -wal and -shm left read-only (the database was 0444 when SQLite
 * made them): opening makes them the database's mode again, and writing
 * works.
 */
static void
test_store_repairs_side_file_mode(void **state)
{
	struct testdb_fixture *f = *state;
	char	 db[128], wal[128], shm[128];
	struct store_receipt r;
	struct stat d, w, m;

	store_close(f->s);
	f->s = NULL;
	side_files(f, wal, shm);
	side_path(f, "", db, sizeof(db));
	assert_int_equal(chmod(db, 0640), 0);
	assert_int_equal(chmod(wal, 0444), 0);
	assert_int_equal(chmod(shm, 0400), 0);
	assert_int_equal(store_open(&f->s, f->dir, NULL, 0), STORE_OK);
	assert_int_equal(stat(db, &d), 0);
	assert_int_equal(stat(wal, &w), 0);
	assert_int_equal(stat(shm, &m), 0);
	assert_int_equal(w.st_mode & 0777, 0640);
	assert_int_equal(m.st_mode & 0777, 0640);
	assert_int_equal(write_one(f, &r), STORE_OK);
}

/* Root's run left them root's: opening as root gives them back. */
static void
test_store_repairs_side_file_owner(void **state)
{
	struct testdb_fixture *f = *state;
	char	 db[128], wal[128], shm[128];
	struct stat d, w, m;

	if (geteuid() != 0)
		skip();
	store_close(f->s);
	f->s = NULL;
	side_files(f, wal, shm);
	side_path(f, "", db, sizeof(db));
	/* The database belongs to the web user; the side files do not. */
	assert_int_equal(chown(db, 33, 33), 0);
	assert_int_equal(chown(wal, 0, 0), 0);
	assert_int_equal(chown(shm, 65534, 65534), 0);
	assert_int_equal(store_open(&f->s, f->dir, NULL, 0), STORE_OK);
	assert_int_equal(stat(db, &d), 0);
	assert_int_equal(stat(wal, &w), 0);
	assert_int_equal(stat(shm, &m), 0);
	assert_int_equal(w.st_uid, d.st_uid);
	assert_int_equal(w.st_gid, d.st_gid);
	assert_int_equal(m.st_uid, d.st_uid);
	assert_int_equal(m.st_gid, d.st_gid);
}

/* No database file: "unavailable" (the operator must act), not a bug. */
static void
test_store_missing_is_unavailable(void **state)
{
	char	 dir[TMPDIR_MAX];
	struct store *s = NULL;

	(void)state;
	assert_int_equal(tmpdir_make(dir, "nodb"), 0);
	assert_int_equal(store_open(&s, dir, NULL, 0), STORE_UNAVAILABLE);
	assert_null(s);
	tmpdir_remove(dir);
}

/* Another connection of this process that holds the write lock. */
static sqlite3 *
hold_write_lock(const struct testdb_fixture *f)
{
	char	 path[128];
	sqlite3	*other = NULL;

	side_path(f, "", path, sizeof(path));
	assert_int_equal(sqlite3_open_v2(path, &other, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE;", NULL, NULL,
	    NULL), SQLITE_OK);
	return other;
}

/*
 * A request whose budget for waiting is spent gets STORE_BUSY from every
 * transaction while another holds the lock, and says why; when the lock
 * is free, the same store writes.
 */
static void
test_store_budget_spent(void **state)
{
	struct testdb_fixture *f = *state;
	struct timespec past;
	struct store_receipt r;
	sqlite3	*other = hold_write_lock(f);

	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &past), 0);
	store_busy_deadline(f->s, &past);
	assert_int_equal(write_one(f, &r), STORE_BUSY);
	assert_int_equal(store_fault(f->s), STORE_BUSY);
	assert_non_null(strstr(store_errmsg(f->s), "locked"));
	assert_int_equal(write_one(f, &r), STORE_BUSY);
	assert_int_equal(sqlite3_exec(other, "ROLLBACK;", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(write_one(f, &r), STORE_OK);
	assert_memory_equal(r.ref, "2026-000001-", 12);
}

static int
checksum_into(void *arg, const char *table, long rows, const char *sum)
{
	return buf_printf(arg, "%s %ld %s\n", table, rows, sum);
}

/* `sql` on the database in `dir`, with a connection of its own. */
static void
exec_in(const char *dir, const char *sql)
{
	char	 path[TMPDIR_MAX + 16];
	sqlite3	*db = NULL;

	snprintf(path, sizeof(path), "%s/rathaus.db", dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/*
 * rathaus checksum: a copy of the store (VACUUM INTO, as a backup) has
 * the same rows and sums per table; one value changed in it changes
 * that table's sum and no other. SQLite's and the search index's own
 * tables are not summed.
 */
static void
test_store_checksum_of_a_copy(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_new n = sample("k-sum", "00112233445566778899aabbccddeeff");
	struct store_receipt r;
	struct store *copy;
	struct buf a, b, sql;
	char	 dir[TMPDIR_MAX];
	const char *line;

	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	n = sample(NULL, "ffeeddccbbaa99887766554433221100");
	assert_int_equal(store_submit(f->s, &n, &r), STORE_OK);
	buf_init(&a, 1u << 16);
	buf_init(&b, 1u << 16);
	buf_init(&sql, 1024);
	assert_int_equal(store_checksum(f->s, checksum_into, &a), STORE_OK);
	assert_non_null(strstr(buf_str(&a), "\nsubmission 2 "));
	assert_non_null(strstr(buf_str(&a), "\nstatus_event 2 "));
	assert_null(strstr(buf_str(&a), "submission_search"));
	assert_null(strstr(buf_str(&a), "sqlite_"));

	assert_int_equal(tmpdir_make(dir, "copy"), 0);
	buf_printf(&sql, "VACUUM INTO '%s/rathaus.db'", dir);
	exec_in(f->dir, buf_str(&sql));
	assert_int_equal(store_open(&copy, dir, NULL, 0), STORE_OK);
	assert_int_equal(store_checksum(copy, checksum_into, &b), STORE_OK);
	assert_string_equal(buf_str(&a), buf_str(&b));
	store_close(copy);

	exec_in(dir, "UPDATE submission SET status = 'completed' WHERE id = 2");
	assert_int_equal(store_open(&copy, dir, NULL, 0), STORE_OK);
	buf_reset(&b);
	assert_int_equal(store_checksum(copy, checksum_into, &b), STORE_OK);
	store_close(copy);
	/* Line by line: only the submissions' (and their counts') differ. */
	for (line = buf_str(&a); *line != '\0'; line = strchr(line, '\n') + 1) {
		size_t	 len = (size_t)(strchr(line, '\n') - line);
		int	 same = memmem(buf_str(&b), b.len, line, len) != NULL;

		if (strncmp(line, "submission ", 11) == 0 ||
		    strncmp(line, "status_count ", 13) == 0)
			assert_false(same);
		else
			assert_true(same);
	}
	tmpdir_remove(dir);
	buf_free(&a);
	buf_free(&b);
	buf_free(&sql);
}

/*
 * Hold the front place among the waiters (an open file description lock
 * on the WAL's first byte, as store.c takes it) and never give it up, as
 * a process that forgot to would: the descriptor, or -1.
 */
static int
hold_front_place(const struct testdb_fixture *f)
{
	struct flock fl;
	char	 path[128];
	int	 fd;

	side_path(f, "-wal", path, sizeof(path));
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_len = 1;
	if (fcntl(fd, F_OFD_SETLK, &fl) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	(void)clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * Waiters wait for the front place in the kernel, woken by a timer at
 * their budget's end: with the front place never given up and the write
 * lock held past the budget, a request still gets STORE_BUSY (it does
 * not wait for ever).
 */
static void
test_store_front_wait_ends_with_budget(void **state)
{
	struct testdb_fixture *f = *state;
	struct timespec deadline;
	struct store_receipt r;
	sqlite3	*other;
	int	 front;

	assert_int_equal(write_one(f, &r), STORE_OK);
	assert_true((front = hold_front_place(f)) >= 0);
	other = hold_write_lock(f);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &deadline), 0);
	deadline.tv_nsec += 200 * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	store_busy_deadline(f->s, &deadline);
	assert_int_equal(write_one(f, &r), STORE_BUSY);
	assert_int_equal(sqlite3_exec(other, "ROLLBACK;", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(other);
	close(front);
}

/*
 * The front place never given up (a bug elsewhere) does not stop the
 * line: a waiter tries the write lock again between its waits for the
 * front place, and gets it once the other writer (another process) is
 * done, long before its budget of 10 s is spent.
 */
static void
test_store_front_lost_does_not_stop_the_line(void **state)
{
	struct testdb_fixture *f = *state;
	struct timespec t0;
	char	 path[128], c;
	struct store_receipt r;
	int	 front, ready[2], status;
	pid_t	 pid;

	assert_int_equal(write_one(f, &r), STORE_OK);
	side_path(f, "", path, sizeof(path));
	assert_int_equal(pipe(ready), 0);
	if ((pid = fork()) == 0) {
		sqlite3 *other;
		struct timespec hold = { 0, 300 * 1000000L };

		if (sqlite3_open_v2(path, &other, SQLITE_OPEN_READWRITE,
		    NULL) != SQLITE_OK || sqlite3_exec(other,
		    "BEGIN IMMEDIATE;", NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		nanosleep(&hold, NULL);
		(void)sqlite3_exec(other, "ROLLBACK;", NULL, NULL, NULL);
		sqlite3_close(other);
		_exit(0);
	}
	assert_true(pid > 0);
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_true((front = hold_front_place(f)) >= 0);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
	store_busy_deadline(f->s, NULL);
	assert_int_equal(write_one(f, &r), STORE_OK);
	assert_true(seconds_since(&t0) < 5.0);
	close(front);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * A database the process may only read: writes fail as "unavailable"
 * (the operator must act), with SQLite's reason. Not as root, for whom
 * file modes do not count.
 */
static void
test_store_read_only_is_unavailable(void **state)
{
	struct testdb_fixture *f = *state;
	char	 db[128];
	struct store_receipt r;

	if (geteuid() == 0)
		skip();
	store_close(f->s);
	f->s = NULL;
	side_path(f, "", db, sizeof(db));
	assert_int_equal(chmod(db, 0444), 0);
	assert_int_equal(store_open(&f->s, f->dir, NULL, 0), STORE_OK);
	assert_int_not_equal(write_one(f, &r), STORE_OK);
	assert_int_equal(store_fault(f->s), STORE_UNAVAILABLE);
	assert_non_null(strstr(store_errmsg(f->s), "readonly"));
	assert_int_equal(chmod(db, 0644), 0);
}

/* Submit one of osterfeuer with these answers, created at `created`. */
static void
submit_answers(struct testdb_fixture *f, const char *values_xml,
    const char *created, struct store_receipt *r)
{
	struct store_new n = sample(NULL, "00112233445566778899aabbccddeeff");

	n.values_xml = values_xml;
	n.created = created;
	assert_int_equal(store_submit(f->s, &n, r), STORE_OK);
}

/* The inbox for `q`, its refs joined by spaces into `out`. */
static void
inbox_refs(struct testdb_fixture *f, const struct store_inbox_query *q,
    struct store_inbox *in, struct buf *out)
{
	size_t	 i;

	buf_reset(out);
	assert_int_equal(store_inbox(f->s, q, in), STORE_OK);
	for (i = 0; i < in->nrows; i++)
		buf_printf(out, "%s%s", i > 0 ? " " : "", in->rows[i].ref);
}

/*
 * The inbox for `q` is the rows `rows` of `r`, counted from 1 in order of
 * arrival ("7 6 5"); `in` stays for the caller's further checks.
 */
static void
expect_page(struct testdb_fixture *f, const struct store_inbox_query *q,
    struct store_inbox *in, const struct store_receipt *r, const char *rows)
{
	struct buf got, want;
	const char *p;
	char	*next;
	long	 k;

	buf_init(&got, 1024);
	buf_init(&want, 1024);
	inbox_refs(f, q, in, &got);
	for (p = rows; *p != '\0'; p = next) {
		k = strtol(p, &next, 10);
		buf_printf(&want, "%s%s", p > rows ? " " : "", r[k - 1].ref);
	}
	assert_string_equal(buf_str(&got), buf_str(&want));
	buf_free(&got);
	buf_free(&want);
}

/*
 * Keyset pages (issue 13): the page after the last row and before the
 * first, in each order; equal times go by id; every row once.
 */
static void
test_store_inbox_keyset_pages(void **state)
{
	static const char *const at[] = {
		"2026-03-01T10:00:00Z", "2026-03-02T10:00:00Z",
		"2026-03-03T10:00:00Z", "2026-03-03T10:00:00Z",
		"2026-03-04T10:00:00Z", "2026-03-05T10:00:00Z",
		"2026-03-06T10:00:00Z",
	};
	struct testdb_fixture *f = *state;
	struct store_receipt r[7];
	struct store_inbox_query q;
	struct store_inbox in;
	size_t	 i;

	for (i = 0; i < 7; i++)
		submit_answers(f, "<values/>", at[i], &r[i]);
	sql_set_status(f->dir, r[1].ref, "completed", "2026-03-07T09:00:00Z");
	sql_set_status(f->dir, r[5].ref, "completed", "2026-03-07T09:00:00Z");
	memset(&q, 0, sizeof(q));
	q.limit = 3;

	/* Newest first: 7 6 5 | 4 3 2 | 1 (3 and 4 at the same time). */
	expect_page(f, &q, &in, r, "7 6 5");
	assert_int_equal(in.more_before, 0);
	assert_int_equal(in.more_after, 1);
	assert_int_equal(in.total, 7);
	store_inbox_free(&in);
	q.after = r[4].ref;
	expect_page(f, &q, &in, r, "4 3 2");
	assert_int_equal(in.more_before, 1);
	assert_int_equal(in.more_after, 1);
	store_inbox_free(&in);
	q.after = r[1].ref;
	expect_page(f, &q, &in, r, "1");
	assert_int_equal(in.more_before, 1);
	assert_int_equal(in.more_after, 0);
	store_inbox_free(&in);
	/* Back: the page before the first row shown. */
	q.after = NULL;
	q.before = r[0].ref;
	expect_page(f, &q, &in, r, "4 3 2");
	assert_int_equal(in.more_before, 1);
	assert_int_equal(in.more_after, 1);
	store_inbox_free(&in);
	q.before = r[3].ref;
	expect_page(f, &q, &in, r, "7 6 5");
	assert_int_equal(in.more_before, 0);
	assert_int_equal(in.more_after, 1);
	store_inbox_free(&in);

	/* Oldest first, after the third: 4 5 6. */
	q.before = NULL;
	q.sort = STORE_SORT_OLDEST;
	q.after = r[2].ref;
	expect_page(f, &q, &in, r, "4 5 6");
	store_inbox_free(&in);

	/* By status (completed before received), newest first in each:
	 * 6 2 | 7 5 4 | 3 ... with pages of 2 here. */
	q.sort = STORE_SORT_STATUS;
	q.limit = 2;
	q.after = NULL;
	expect_page(f, &q, &in, r, "6 2");
	store_inbox_free(&in);
	q.after = r[1].ref;
	expect_page(f, &q, &in, r, "7 5");
	store_inbox_free(&in);
	q.after = NULL;
	q.before = r[6].ref;
	expect_page(f, &q, &in, r, "6 2");
	assert_int_equal(in.more_before, 0);
	store_inbox_free(&in);

	/* Before the second row: not one row alone, the first page. */
	q.sort = STORE_SORT_NEWEST;
	q.limit = 3;
	q.before = r[5].ref;
	expect_page(f, &q, &in, r, "7 6 5");
	assert_int_equal(in.more_before, 0);
	assert_int_equal(in.more_after, 1);
	store_inbox_free(&in);

	/* A key that is no submission: the first page. */
	q.before = "2026-999999-9";
	q.sort = STORE_SORT_NEWEST;
	q.limit = 3;
	expect_page(f, &q, &in, r, "7 6 5");
	store_inbox_free(&in);
}

/* The counts by status as one string: "received=2 in_progress=1 ...". */
static void
inbox_counts(struct testdb_fixture *f, const struct store_inbox_query *q,
    struct buf *out)
{
	struct store_inbox in;
	size_t	 i;

	buf_reset(out);
	assert_int_equal(store_inbox(f->s, q, &in), STORE_OK);
	for (i = 0; i < WORKFLOW_STATES; i++)
		buf_printf(out, "%s%s=%ld", i > 0 ? " " : "",
		    workflow_states[i], in.counts[i]);
	store_inbox_free(&in);
}

/*
 * The counts by status come from status_count, kept in the transactions
 * that change a status; a purge keeps them (the rows stay); per service.
 */
static void
test_store_inbox_counts(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_receipt a, b, c, d;
	struct store_inbox_query q;
	struct store_inbox in;
	struct buf got;
	const char *const wies[] = { "osterfeuer", NULL };
	long	 count;

	buf_init(&got, 1024);
	memset(&q, 0, sizeof(q));
	submit_at(f, "osterfeuer", NULL, "2025-12-01T10:00:00Z", &a);
	submit_at(f, "osterfeuer", NULL, "2025-12-02T10:00:00Z", &b);
	submit_at(f, "osterfeuer", NULL, "2025-12-03T10:00:00Z", &c);
	submit_at(f, "hundeanmeldung", NULL, "2025-12-04T10:00:00Z", &d);
	inbox_counts(f, &q, &got);
	assert_string_equal(buf_str(&got), "received=4 in_progress=0"
	    " waiting=0 completed=0 rejected=0");
	assert_int_equal(store_set_status(f->s, a.ref, "received",
	    "in_progress", "clerk", NULL, "2026-01-05T10:00:00Z", NULL, NULL),
	    STORE_OK);
	assert_int_equal(store_set_status(f->s, a.ref, "in_progress",
	    "completed", "clerk", "Fertig", "2026-01-06T10:00:00Z", NULL,
	    NULL), STORE_OK);
	assert_int_equal(store_set_status(f->s, b.ref, "received",
	    "rejected", "clerk", NULL, "2026-01-06T10:00:00Z", NULL, NULL),
	    STORE_OK);
	/* A status change that loses (someone else was quicker): none. */
	assert_int_equal(store_set_status(f->s, b.ref, "received",
	    "in_progress", "clerk", NULL, "2026-01-06T10:00:00Z", NULL, NULL),
	    STORE_CONFLICT);
	inbox_counts(f, &q, &got);
	assert_string_equal(buf_str(&got), "received=2 in_progress=0"
	    " waiting=0 completed=1 rejected=1");
	/* A clerk of one service counts that service's only. */
	q.services = wies;
	inbox_counts(f, &q, &got);
	assert_string_equal(buf_str(&got), "received=1 in_progress=0"
	    " waiting=0 completed=1 rejected=1");
	q.services = NULL;
	q.service = "hundeanmeldung";
	inbox_counts(f, &q, &got);
	assert_string_equal(buf_str(&got), "received=1 in_progress=0"
	    " waiting=0 completed=0 rejected=0");
	/* The total of a status filter is its count. */
	q.service = NULL;
	q.status = "received";
	assert_int_equal(store_inbox(f->s, &q, &in), STORE_OK);
	assert_int_equal(in.total, 2);
	assert_int_equal(in.nrows, 2);
	store_inbox_free(&in);
	q.status = NULL;

	/* A purge keeps the rows and their statuses: the same counts. */
	assert_int_equal(store_purge(f->s, "osterfeuer",
	    "2026-02-01T03:00:00Z", "rathaus purge", "2026-03-01T03:00:00Z",
	    &count), STORE_OK);
	assert_int_equal(count, 2);
	inbox_counts(f, &q, &got);
	assert_string_equal(buf_str(&got), "received=2 in_progress=0"
	    " waiting=0 completed=1 rejected=1");
	/* And they are what a scan counts. */
	assert_int_equal(testdb_long(f->dir, "SELECT count(*) FROM (SELECT"
	    " service, status, count(*) AS n FROM submission GROUP BY 1, 2"
	    " EXCEPT SELECT service, status, n FROM status_count)"), 0);
	buf_free(&got);
	(void)c;
	(void)d;
}

/* How many rows the inbox's search for `text` finds. */
static long
found(struct testdb_fixture *f, const char *text)
{
	struct store_inbox_query q;
	struct store_inbox in;
	long	 n;

	memset(&q, 0, sizeof(q));
	q.search = text;
	assert_int_equal(store_inbox(f->s, &q, &in), STORE_OK);
	assert_int_equal(in.short_search, 0);
	n = (long)in.nrows;
	assert_int_equal(in.total, n);	/* all on one page */
	store_inbox_free(&in);
	return n;
}

/*
 * The search (FTS5 trigram over text folded as the catalog folds):
 * substrings of the answers' text and of the reference, umlauts, ß and
 * case folded either side; not the markup; shorter than 3 characters
 * is not searched; a purge leaves only the reference in the index.
 */
static void
test_store_inbox_search(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_receipt a, b;
	struct store_inbox_query q;
	struct store_inbox in;
	char	 part[8];
	long	 count;

	submit_answers(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<values service=\"osterfeuer\" version=\"1\"><value name=\"name\">"
	    "J\xc3\xb6rg Gro\xc3\x9fmann</value><value name=\"place\">"
	    "M\xc3\x9c" "HLENWEG 3 &amp; \"Hof\"</value></values>",
	    "2025-12-01T10:00:00Z", &a);
	submit_answers(f, "<values><value name=\"name\">Anna Beispiel</value>"
	    "</values>", "2025-12-02T10:00:00Z", &b);
	assert_int_equal(found(f, "Gro\xc3\x9fmann"), 1);
	assert_int_equal(found(f, "grossmann"), 1);
	assert_int_equal(found(f, "GROSS"), 1);
	assert_int_equal(found(f, "J\xc3\x96RG"), 1);	/* JÖRG */
	assert_int_equal(found(f, "jorg"), 1);
	assert_int_equal(found(f, "m\xc3\xbchlenweg"), 1);	/* mühlenweg */
	assert_int_equal(found(f, "weg 3 & \"hof"), 1);
	assert_int_equal(found(f, "eispie"), 1);
	assert_int_equal(found(f, "Beispielt"), 0);
	assert_int_equal(found(f, "Meier"), 0);
	/* Not the markup: names of elements and attributes, the service. */
	assert_int_equal(found(f, "value"), 0);
	assert_int_equal(found(f, "osterfeuer"), 0);
	/* The reference, also a part of it. */
	assert_int_equal(found(f, b.ref), 1);
	memcpy(part, b.ref + 5, 6);
	part[6] = '\0';
	assert_int_equal(found(f, part), 1);
	/* Shorter than a trigram: not searched, all shown, and said. */
	memset(&q, 0, sizeof(q));
	q.search = "J\xc3\xb6";
	assert_int_equal(store_inbox(f->s, &q, &in), STORE_OK);
	assert_int_equal(in.short_search, 1);
	assert_int_equal(in.nrows, 2);
	store_inbox_free(&in);

	/* Purged: the answers leave the index, the reference stays. */
	sql_set_status(f->dir, a.ref, "completed", "2026-01-10T09:00:00Z");
	assert_int_equal(store_purge(f->s, "osterfeuer",
	    "2026-02-01T03:00:00Z", "rathaus purge", "2026-03-01T03:00:00Z",
	    &count), STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(found(f, "grossmann"), 0);
	assert_int_equal(found(f, "jorg"), 0);
	assert_int_equal(found(f, a.ref), 1);
	assert_int_equal(found(f, "eispie"), 1);
	/* The index holds a row per submission, no more. */
	assert_int_equal(count_in(f, "submission_search"), 2);
}

/*
 * `rathaus reindex` (store_reindex) makes the index and the counts of
 * rows that came by SQL alone (a restore, bench/inbox).
 */
static void
test_store_reindex(void **state)
{
	struct testdb_fixture *f = *state;
	struct store_receipt a;
	struct buf got;
	struct store_inbox_query q;
	long	 n;

	buf_init(&got, 1024);
	memset(&q, 0, sizeof(q));
	submit_answers(f, "<values><value name=\"name\">Anna</value></values>",
	    "2025-12-01T10:00:00Z", &a);
	sql_exec(f->dir, "INSERT INTO submission(ref, token, service,"
	    " service_version, answers, fee_cents, created, status) VALUES"
	    " ('2025-000009-1', 'x', 'osterfeuer', 1, '<values><value"
	    " name=\"name\">Wei\xc3\x9f</value></values>', 0,"
	    " '2025-12-02T10:00:00Z', 'waiting')");
	assert_int_equal(found(f, "weiss"), 0);
	assert_int_equal(store_reindex(f->s, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(found(f, "weiss"), 1);
	assert_int_equal(found(f, "anna"), 1);
	inbox_counts(f, &q, &got);
	assert_string_equal(buf_str(&got), "received=1 in_progress=0"
	    " waiting=1 completed=0 rejected=0");
	buf_free(&got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_submit_and_find,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_definition_kept,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_mail_with_submission,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_outbox,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_outbox_given_up,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_upload_claim_answered_only,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_wrong_token_is_not_found,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_double_submit_is_one_row,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_references_count_per_year,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_reference_numbers,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_checksum_of_a_copy,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_failed_write_changes_nothing,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test(test_store_web_open_needs_init),
		cmocka_unit_test_setup_teardown(test_store_secrets,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_migrate_is_idempotent,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_upload_put_replaces,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_upload_claim,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_upload_double_submit,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_upload_expire,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_upload_caps,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_upload_idle,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test(test_store_migrate_from_1),
		cmocka_unit_test_setup_teardown(test_store_purge_due_only,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_purge_deletes_its_mails,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_outbox_expire,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_migrate_outbox_names_submission,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_each_filters,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_repairs_side_file_mode,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_repairs_side_file_owner,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test(test_store_missing_is_unavailable),
		cmocka_unit_test_setup_teardown(test_store_budget_spent,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_front_wait_ends_with_budget,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_front_lost_does_not_stop_the_line,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_read_only_is_unavailable,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_inbox_keyset_pages,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_inbox_counts,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_inbox_search,
		    testdb_setup, testdb_teardown),
		cmocka_unit_test_setup_teardown(test_store_reindex,
		    testdb_setup, testdb_teardown),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
