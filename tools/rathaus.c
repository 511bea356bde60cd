/*
 * rathaus: the administrator's command line.
 *   rathaus lint [--share DIR] [--site DIR] [FILE...]  check a site
 *   rathaus init [--conf FILE | --data DIR] create or migrate the store
 *   rathaus outbox [--conf FILE] [--now YYYY-MM-DDTHH:MM]
 *                                          queue the appointments'
 *                                          reminders, send what is due
 *   rathaus export SERVICE [--format csv|xml|json] [--from DATE]
 *       [--to DATE]                        submissions to stdout
 *   rathaus purge                          delete what is past retention
 *   rathaus camt FILE [--dry-run]          mark transfers of a statement paid
 *   rathaus checksum [--data DIR | FILE]   rows and SHA-256 per table
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "buf.h"
#include "cachefile.h"
#include "pagecache.h"
#include "cal.h"
#include "camt.h"
#include "conf.h"
#include "export.h"
#include "form.h"
#include "site.h"
#include "outbox.h"
#include "remind.h"
#include "store.h"
#include "store_outbox.h"
#include "store_pay.h"
#include "store_admin.h"
#include "when.h"

#define PURGE_ACTOR	"rathaus purge"
#define CAMT_ACTOR	"rathaus camt"
#define DAY_SECONDS	(24L * 60 * 60)
#define OUTBOX_KEEP_SECONDS (30 * DAY_SECONDS)	/* mails done, then deleted */

static int
usage(void)
{
	fputs("usage: rathaus lint [--conf FILE] [--share DIR] [--site DIR]"
	    " [FILE...]\n"
	    "       rathaus init [--conf FILE | --data DIR]\n"
	    "       rathaus outbox [--conf FILE] [--now YYYY-MM-DDTHH:MM]\n"
	    "       rathaus export SERVICE [--format csv|xml|json]"
	    " [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--conf FILE]\n"
	    "       rathaus purge [--conf FILE]\n"
	    "       rathaus reindex [--conf FILE | --data DIR]\n"
	    "       rathaus checksum [--conf FILE | --data DIR | FILE]\n"
	    "       rathaus camt FILE [--dry-run] [--conf FILE]\n"
	    "       rathaus store-copy --to CONNINFO [--conf FILE | --data DIR]"
	    "\n", stderr);
	return 2;
}

/*
 * Options common to the commands: --conf FILE, --share DIR, --site DIR,
 * --data DIR;
 * export's --format, --from and --to; the other words in `args`.
 */
struct cli {
	struct conf	 conf;
	char		**args;
	int		 nargs;
	const char	*format;
	const char	*from;
	const char	*to;
	int		 dry_run;
	const char	*now;		/* outbox: the local time to remind by */
};

static int
cli_parse(struct cli *c, int argc, char *argv[])
{
	const char *conf_path = getenv("RATHAUS_CONF");
	const char *share = NULL, *site = NULL, *data = NULL;
	char	 err[512];
	int	 i;

	memset(c, 0, sizeof(*c));
	if ((c->args = calloc((size_t)argc, sizeof(*c->args))) == NULL)
		return -1;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--conf") == 0 && i + 1 < argc)
			conf_path = argv[++i];
		else if (strcmp(argv[i], "--share") == 0 && i + 1 < argc)
			share = argv[++i];
		else if (strcmp(argv[i], "--site") == 0 && i + 1 < argc)
			site = argv[++i];
		else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			data = argv[++i];
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			c->format = argv[++i];
		else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			c->from = argv[++i];
		else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			c->to = argv[++i];
		else if (strcmp(argv[i], "--dry-run") == 0)
			c->dry_run = 1;
		else if (strcmp(argv[i], "--now") == 0 && i + 1 < argc)
			c->now = argv[++i];
		else if (strncmp(argv[i], "--", 2) == 0)
			return -1;
		else
			c->args[c->nargs++] = argv[i];
	}
	if (conf_path != NULL &&
	    conf_load(&c->conf, conf_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "rathaus: %s\n", err);
		return -1;
	}
	if (share != NULL) {
		free(c->conf.share_dir);
		c->conf.share_dir = strdup(share);
	}
	if (site != NULL) {
		free(c->conf.site_dir);
		c->conf.site_dir = strdup(site);
	}
	if (data != NULL) {
		free(c->conf.data_dir);
		c->conf.data_dir = strdup(data);
	}
	return conf_defaults(&c->conf);
}

static int
cmd_lint(struct cli *c)
{
	struct form_share share;
	struct form_diag diag;
	struct form f, *forms = NULL;
	struct buf path;
	size_t	 n = 0, k;
	int	 i, rc;

	form_diag_init(&diag);
	if (form_share_open(&share, c->conf.share_dir, c->conf.site_dir,
	    NULL, &diag) != 0) {
		fputs(buf_str(&diag.text), stdout);
		form_diag_free(&diag);
		return 2;
	}
	if (c->nargs > 0) {
		for (i = 0; i < c->nargs; i++)
			if (form_load(&f, &share, c->args[i], &diag) == 0) {
				(void)form_lint(&share, &f, c->args[i], &diag);
				form_free(&f);
			}
	} else if (share.site == NULL) {
		form_diag_add(&diag, "rathaus.conf", 0, "no site directory:"
		    " set site_dir, or give --site DIR or definition files");
	} else {
		/* The whole site: the town itself, its clerks, its words. */
		(void)site_lint(&share, &diag);
		if (form_catalog(&share, &forms, &n, &diag) != 0 || n == 0)
			form_diag_add(&diag, share.site, 0, "no service in"
			    " forms/: the town offers nothing");
		/* Loaded definitions are forms/<id>.xml: the id is checked. */
		buf_init(&path, 4096);
		for (k = 0; k < n; k++) {
			buf_reset(&path);
			buf_printf(&path, "%s/forms/%s.xml", share.site,
			    forms[k].id);
			(void)form_lint(&share, &forms[k], buf_str(&path), &diag);
		}
		buf_free(&path);
		site_lint_unused(&share, forms, n, &diag);
		form_catalog_free(forms, n);
	}
	fputs(buf_str(&diag.text), stdout);
	rc = diag.errors > 0 ? 1 : 0;
	form_diag_free(&diag);
	form_share_close(&share);
	return rc;
}

static int
cmd_init(struct cli *c)
{
	struct store *s;
	char	 cache[4096];
	int	 from = 0, to = 0, rc;

	/* A new instance: its directory too (not its parents: a typo in
	 * data_dir should not grow a tree somewhere). */
	if (mkdir(c->conf.data_dir, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "rathaus: cannot create %s: %s\n",
		    c->conf.data_dir, strerror(errno));
		return 1;
	}
	/* Made again on demand: after an upgrade, and by the web server's
	 * user (not, say, root's from a program run by hand). */
	if (cachefile_dir(c->conf.data_dir, cache, sizeof(cache)) != 0 ||
	    cachefile_remove(cache) != 0)
		fprintf(stderr, "rathaus: cannot empty %s/cache: %s\n",
		    c->conf.data_dir, strerror(errno));
	if (store_open(&s, c->conf.data_dir, c->conf.store_pg, 1) != STORE_OK)
		return 1;
	rc = store_migrate(s, &from, &to);
	/* The connection string is not repeated: it may hold a password. */
	if (rc != STORE_OK)
		fprintf(stderr, "rathaus: %s\n", store_errmsg(s));
	else if (from == to)
		printf("%s%s: schema version %d, up to date\n",
		    c->conf.store_pg != NULL ? "postgresql" : c->conf.data_dir,
		    c->conf.store_pg != NULL ? "" : "/rathaus.db", to);
	else
		printf("%s%s: schema version %d -> %d\n",
		    c->conf.store_pg != NULL ? "postgresql" : c->conf.data_dir,
		    c->conf.store_pg != NULL ? "" : "/rathaus.db", from, to);
	store_close(s);
	return rc == STORE_OK ? 0 : 1;
}

/*
 * The search index and the counts by status made anew from the
 * submissions: after rows came by other means than the programs (a
 * restore of some rows, bench/inbox's bulk insert).
 */
static int
cmd_reindex(struct cli *c)
{
	struct store *s;
	long	 n = 0;
	int	 rc;

	if (c->nargs != 0 || c->format || c->from || c->to)
		return usage();
	if (store_open(&s, c->conf.data_dir, c->conf.store_pg, 0) != STORE_OK)
		return 1;
	if ((rc = store_reindex(s, &n)) != STORE_OK)
		fprintf(stderr, "rathaus: %s\n", store_errmsg(s));
	else
		printf("%s/rathaus.db: %ld submissions indexed\n",
		    c->conf.data_dir, n);
	store_close(s);
	return rc == STORE_OK ? 0 : 1;
}

static int
checksum_line(void *arg, const char *table, long rows, const char *sum)
{
	(void)arg;
	return printf("%s %ld %s\n", table, rows, sum) < 0 ? -1 : 0;
}

/*
 * Per table, its rows and a SHA-256 over them (store_checksum), of the
 * instance's store or of a backup FILE: the same lines for a copy that
 * holds the same records.
 */
static int
cmd_checksum(struct cli *c)
{
	struct store *s;
	int	 rc;

	if (c->nargs > 1 || c->format || c->from || c->to)
		return usage();
	/* A backup file, read only; or the instance's store. */
	if ((c->nargs == 1 ? store_open_copy(&s, c->args[0]) :
	    store_open(&s, c->conf.data_dir, c->conf.store_pg, 0)) != STORE_OK)
		return 1;
	if ((rc = store_checksum(s, checksum_line, NULL)) != STORE_OK)
		fprintf(stderr, "rathaus: checksum: %s\n", store_errmsg(s));
	store_close(s);
	return rc == STORE_OK && fflush(stdout) == 0 ? 0 : 1;
}

/* The checksum's lines into a buffer (struct buf *). */
static int
checksum_keep(void *arg, const char *table, long rows, const char *sum)
{
	struct buf *b = arg;

	buf_printf(b, "%s %ld %s\n", table, rows, sum);
	return b->failed ? -1 : 0;
}

/*
 * Move an instance to PostgreSQL: the SQLite store in data_dir, whole,
 * into the database --to names (its schema made, nothing stored in it
 * yet), then the checksums of both compared table by table. 0 when they
 * agree. The connection string is never printed (it may hold a
 * password).
 */
static int
cmd_store_copy(struct cli *c)
{
	struct store *src = NULL, *dst = NULL;
	struct buf a, b;
	long	 rows = 0;
	int	 from, to, rc = 1;

	if (c->nargs != 0 || c->format || c->from || c->to == NULL ||
	    *c->to == '\0')
		return usage();
	buf_init(&a, 1u << 20);
	buf_init(&b, 1u << 20);
	if (store_open(&src, c->conf.data_dir, NULL, 0) != STORE_OK ||
	    store_open(&dst, NULL, c->to, 1) != STORE_OK)
		goto out;
	if (store_migrate(dst, &from, &to) != STORE_OK ||
	    store_transfer(src, dst, &rows) != STORE_OK) {
		fprintf(stderr, "rathaus: store-copy: %s\n", store_errmsg(dst));
		goto out;
	}
	printf("copied %ld rows from %s/rathaus.db to postgresql\n", rows,
	    c->conf.data_dir);
	if (store_checksum(src, checksum_keep, &a) != STORE_OK ||
	    store_checksum(dst, checksum_keep, &b) != STORE_OK) {
		fprintf(stderr, "rathaus: store-copy: checksum: %s\n",
		    store_errmsg(store_fault(src) != STORE_OK ? src : dst));
		goto out;
	}
	if (a.failed || b.failed || strcmp(buf_str(&a), buf_str(&b)) != 0) {
		printf("checksums differ:\n--- %s/rathaus.db\n%s--- postgresql"
		    "\n%s", c->conf.data_dir, buf_str(&a), buf_str(&b));
		goto out;
	}
	printf("%schecksums agree\n", buf_str(&a));
	rc = 0;
out:
	store_close(src);
	store_close(dst);
	buf_free(&a);
	buf_free(&b);
	return rc;
}

/* Generous: a cron run every few minutes must still end. */
#define OUTBOX_BUDGET_MS	(5L * 60 * 1000)

/*
 * Send everything due (claimed mail by mail, so a concurrent run or the
 * web program never sends one twice) and say what is left. Failures are
 * on stderr, one line each; they are retried by a later run. Exit 1 only
 * when the database cannot be used: safe to run from cron.
 */
static int
cmd_outbox(struct cli *c)
{
	struct store_outbox_counts left = { 0, 0, 0 };
	struct outbox_stats st;
	struct store *s;
	struct when_date day;
	char	 now[CAL_SLOT_LEN];
	long	 reminded = 0;
	int	 rc, minute, remind_rc;

	if (c->now != NULL && (strlen(c->now) != 16 ||
	    cal_parse_slot(c->now, &day, &minute) != 0)) {
		fputs("rathaus: --now YYYY-MM-DDTHH:MM (the town's local time)\n",
		    stderr);
		return 2;
	}
	if (when_set_zone(c->conf.timezone) != 0 ||
	    store_open(&s, c->conf.data_dir, c->conf.store_pg, 0) != STORE_OK)
		return 1;
	if (*c->conf.smtp_url == '\0')
		fputs("rathaus: mail is off (no smtp_url): nothing sent\n",
		    stderr);
	/* The appointments of tomorrow from 18:00 on: their reminders join
	 * the outbox first, and go out with it. */
	if (c->now != NULL)
		snprintf(now, sizeof(now), "%s", c->now);
	else
		cal_now(now);
	/* A reminder that failed is said and tried again next run; the
	 * outbox goes out all the same. */
	remind_rc = remind_queue(&c->conf, s, now, &reminded);
	if (reminded > 0)
		printf("outbox: %ld reminder%s queued\n", reminded,
		    reminded == 1 ? "" : "s");
	rc = outbox_flush(&c->conf, s, when_time(), 0, OUTBOX_BUDGET_MS, &st);
	if (rc == 0 && store_outbox_counts(s, &left) != STORE_OK)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "rathaus: %s\n", store_errmsg(s));
	printf("outbox: sent %d, failed %d, pending %ld, given up %ld,"
	    " unconfirmed %ld\n", st.sent, st.failed + st.given_up,
	    left.pending, left.given_up, left.unconfirmed);
	store_close(s);
	return rc == 0 && remind_rc == 0 ? 0 : 1;
}

/* A date of --from or --to: YYYY-MM-DD, a real day. */
static int
cli_date(const char *d)
{
	struct when_date w;

	return d == NULL || (strlen(d) == 10 && when_parse_date(d, &w) == 0);
}

/*
 * The submissions of a service to stdout, with today's definition of it
 * for the columns: 2 for a wrong call or an unknown service, 1 when the
 * store or the output failed.
 */
static int
cmd_export(struct cli *c)
{
	struct store_filter flt = { NULL, NULL, NULL, NULL };
	enum export_format fmt = EXPORT_CSV;
	struct form_share share;
	struct form_diag diag;
	struct form f;
	struct store *s;
	const char *id;
	int	 rc = 2;

	if (c->nargs != 1 || (c->format != NULL &&
	    export_format_parse(c->format, &fmt) != 0) ||
	    !cli_date(c->from) || !cli_date(c->to))
		return usage();
	id = c->args[0];
	flt.service = id;
	flt.from = c->from;
	flt.to = c->to;
	form_diag_init(&diag);
	if (form_share_open(&share, c->conf.share_dir, c->conf.site_dir,
	    NULL, &diag) != 0) {
		fputs(buf_str(&diag.text), stderr);
		form_diag_free(&diag);
		return 2;
	}
	/* A service id names a file: letters, digits, hyphens only. */
	if (*id == '\0' || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-")
	    != strlen(id) || form_load_id(&f, &share, id, &diag) != 0) {
		fprintf(stderr, "rathaus: unknown service '%s'\n%s", id,
		    buf_str(&diag.text));
		goto out;
	}
	rc = 1;
	if (store_open(&s, c->conf.data_dir, c->conf.store_pg, 0) == STORE_OK) {
		if (export_write(fmt, stdout, s, &f, &flt) == 0)
			rc = 0;
		else
			fprintf(stderr, "rathaus: export of %s failed: %s\n", id,
			    ferror(stdout) ? "cannot write" : store_errmsg(s));
		store_close(s);
	}
	form_free(&f);
out:
	form_diag_free(&diag);
	form_share_close(&share);
	return rc;
}

/*
 * Every loaded definition with a retention: purge what is due (with the
 * submissions' mails), one line per service; then the staged files
 * untouched for staged_idle_minutes (abandoned forms; the web program
 * drops them too) and the mails sent (or given up) more than 30 days ago.
 * 1 on a store error, EX_TEMPFAIL (75) when the database was busy: cron
 * tries again.
 */
static int
cmd_purge(struct cli *c)
{
	struct form_share share;
	struct form_diag diag;
	struct form *forms = NULL;
	struct store *s = NULL;
	char	 now[21], cutoff[21], cache[4096];
	size_t	 n = 0, k;
	long	 count;
	int	 rc = 1, src = STORE_OK;

	if (c->nargs != 0 || c->format || c->from || c->to)
		return usage();
	form_diag_init(&diag);
	if (form_share_open(&share, c->conf.share_dir, c->conf.site_dir,
	    NULL, &diag) != 0) {
		fputs(buf_str(&diag.text), stderr);
		form_diag_free(&diag);
		return 1;
	}
	if (form_catalog(&share, &forms, &n, &diag) != 0 ||
	    store_open(&s, c->conf.data_dir, c->conf.store_pg, 0) != STORE_OK)
		goto out;
	/* A broken definition keeps its submissions: say so, go on. */
	if (diag.errors > 0)
		fprintf(stderr, "rathaus: purge: definitions not loaded, their"
		    " submissions kept:\n%s", buf_str(&diag.text));
	for (k = 0; k < n && src == STORE_OK; k++) {
		if (forms[k].retention_days == 0)
			continue;
		if (when_now_iso(now) != 0 || when_ago_iso(
		    forms[k].retention_days * DAY_SECONDS, cutoff) != 0)
			goto out;
		src = store_purge(s, forms[k].id, cutoff, PURGE_ACTOR, now,
		    &count);
		if (src == STORE_OK)
			printf("%s: %ld purged (completed or rejected before"
			    " %s)\n", forms[k].id, count, cutoff);
	}
	/* Pages kept by their documents (pagecache.h) may show what went. */
	if (src == STORE_OK && cachefile_dir(c->conf.data_dir, cache,
	    sizeof(cache)) == 0)
		pagecache_forget_memos(cache);
	if (src == STORE_OK &&
	    when_ago_iso(c->conf.staged_idle_s, cutoff) == 0 &&
	    (src = store_upload_expire(s, cutoff, &count)) == STORE_OK)
		printf("staged uploads: %ld deleted (before %s)\n", count,
		    cutoff);
	if (src == STORE_OK && when_ago_iso(OUTBOX_KEEP_SECONDS, cutoff) == 0 &&
	    (src = store_outbox_expire(s, cutoff, &count)) == STORE_OK) {
		printf("outbox: %ld mails deleted (sent or given up before"
		    " %s)\n", count, cutoff);
		rc = 0;
	}
	if (src == STORE_BUSY) {
		fprintf(stderr, "rathaus: purge: the database is busy;"
		    " try again later\n");
		rc = EX_TEMPFAIL;
	} else if (src != STORE_OK)
		fprintf(stderr, "rathaus: purge: %s\n", store_errmsg(s));
out:
	store_close(s);
	form_catalog_free(forms, n);
	form_diag_free(&diag);
	form_share_close(&share);
	return rc;
}

/* What an import did, for its last line. */
struct camt_counts {
	long	 paid, already, check, unmatched, pending, skipped;
};

/* A transaction's texts on one line (camt_ reads them without breaks). */
static void
camt_line_texts(const struct camt_tx *t)
{
	size_t	 i;

	for (i = 0; i < t->ntexts; i++)
		printf("%s%s", i > 0 ? " / " : "", t->texts[i]);
}

/*
 * A payment camt_classify found: "already" when this very transaction
 * was recorded, "check" when the submission does not await exactly this
 * amount, else recorded ("paid"). `again`: the store changed between the
 * look and the write (another import, a clerk), said as it is now. -1 on
 * a store error.
 */
static int
camt_pay(struct store *s, const struct camt_tx *t, const char *ref,
    const char *now, int dry_run, int again, struct camt_counts *n)
{
	char	 seen[REF_MAX], state[16], amount[CAMT_MONEY_MAX];
	char	 fee_s[CAMT_MONEY_MAX];
	long	 fee = 0;
	int	 dup = 0, rc;

	camt_money(t->amount_cents, amount);
	rc = store_payment_recorded(s, "statement", t->id, seen);
	if (rc == STORE_OK) {
		n->already++;
		printf("already %s %s\n", seen, t->label);
		return 0;
	}
	if (rc != STORE_NOTFOUND || ((rc = store_payment_state(s, ref, state,
	    sizeof(state), &fee)) != STORE_OK && rc != STORE_NOTFOUND))
		return -1;
	camt_money(fee, fee_s);
	if (rc == STORE_NOTFOUND)
		printf("check %s %s: no such submission\n", ref, t->label);
	else if (strcmp(state, "awaiting") != 0)
		printf("check %s %s: payment is %s, not awaiting\n", ref,
		    t->label, state);
	else if (t->amount_cents != fee)
		printf("check %s %s: amount %s, fee %s\n", ref, t->label,
		    amount, fee_s);
	else if (dry_run) {
		n->paid++;
		printf("paid %s %s %s (dry run)\n", ref, amount, t->label);
		return 0;
	} else {
		rc = store_payment_received(s, ref, "transfer",
		    t->amount_cents, "statement", t->id, CAMT_ACTOR, now, &dup);
		if (rc == STORE_OK && !dup) {
			n->paid++;
			printf("paid %s %s %s\n", ref, amount, t->label);
			return 0;
		}
		if ((rc == STORE_OK || rc == STORE_CONFLICT) && !again)
			return camt_pay(s, t, ref, now, dry_run, 1, n);
		if (rc != STORE_CONFLICT)
			return -1;
		printf("check %s %s: the store refused the payment\n", ref,
		    t->label);
	}
	n->check++;
	return 0;
}

/* One transaction of a statement of ours: one line, or none (skipped). */
static int
camt_one(struct store *s, const struct camt_tx *t, const char *now,
    int dry_run, struct camt_counts *n)
{
	char	 ref[REF_MAX], why[CAMT_WHY_MAX], amount[CAMT_MONEY_MAX];

	if (t->has_amount)
		camt_money(t->amount_cents, amount);
	else
		snprintf(amount, sizeof(amount), "?");
	switch (camt_classify(t, ref, why, sizeof(why))) {
	case CAMT_SKIP:
		n->skipped++;
		return 0;
	case CAMT_UNMATCHED:
		n->unmatched++;
		printf("unmatched %s %s %s %s%s%s: ", t->label,
		    *t->booked != '\0' ? t->booked : "-", amount, t->currency,
		    t->payer != NULL ? " " : "", t->payer != NULL ? t->payer : "");
		camt_line_texts(t);
		putchar('\n');
		return 0;
	case CAMT_PENDING:
		n->pending++;
		printf("pending %s %s %s: %s; nothing marked\n", ref, t->label,
		    amount, why);
		return 0;
	case CAMT_HOLD:
		n->check++;
		printf("check %s %s: %s\n", ref, t->label, why);
		return 0;
	case CAMT_PAYMENT:
		break;
	}
	return camt_pay(s, t, ref, now, dry_run, 0, n);
}

/*
 * A bank statement (camt.053): in each statement of the town's account
 * (bank_iban), every booked credit in euro that names one of our
 * references with its check digit and pays exactly the fee of a
 * submission awaiting it is recorded, once per transaction (its identity
 * survives a second import); the rest is listed with the reason, never
 * guessed. A statement of another account is named and left alone. 1
 * when nothing could be looked at (no bank_iban, an unreadable file, no
 * statement of ours) or on a store error, else 0.
 */
static int
cmd_camt(struct cli *c)
{
	struct camt_counts n = { 0, 0, 0, 0, 0, 0 };
	struct camt_statement st;
	struct store *s;
	char	 err[512], now[21];
	size_t	 i, k, first = 0, ours = 0;
	int	 rc = 0;

	if (c->nargs != 1 || c->format || c->from || c->to)
		return usage();
	if (*c->conf.bank_iban == '\0') {
		fputs("rathaus: camt: no bank_iban in the configuration: which"
		    " account's statements are the town's is not known;"
		    " nothing marked\n", stderr);
		return 1;
	}
	if (camt_parse_file(c->args[0], &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "rathaus: %s: %s\n", c->args[0], err);
		return 1;
	}
	if (when_now_iso(now) != 0 ||
	    store_open(&s, c->conf.data_dir, c->conf.store_pg, 0) != STORE_OK) {
		camt_free(&st);
		return 1;
	}
	for (i = 0; i < st.nstmts && rc == 0; first += st.stmts[i++].ntx) {
		if (!camt_iban_equal(st.stmts[i].iban, c->conf.bank_iban)) {
			printf("other-account %s %s: not bank_iban %s, %zu"
			    " transaction%s, nothing marked\n", st.stmts[i].id,
			    *st.stmts[i].iban != '\0' ? st.stmts[i].iban :
			    "(no IBAN)", c->conf.bank_iban, st.stmts[i].ntx,
			    st.stmts[i].ntx == 1 ? "" : "s");
			continue;
		}
		ours++;
		for (k = first; k < first + st.stmts[i].ntx && rc == 0; k++)
			if (camt_one(s, &st.tx[k], now, c->dry_run, &n) != 0) {
				fprintf(stderr, "rathaus: camt: %s\n",
				    store_errmsg(s));
				rc = 1;
			}
	}
	printf("total%s: %ld paid, %ld already, %ld check, %ld unmatched,"
	    " %ld pending, %ld skipped\n", c->dry_run ? " (dry run)" : "",
	    n.paid, n.already, n.check, n.unmatched, n.pending, n.skipped);
	if (rc == 0 && ours == 0) {
		fprintf(stderr, "rathaus: %s: no statement of bank_iban %s in"
		    " it; nothing marked\n", c->args[0], c->conf.bank_iban);
		rc = 1;
	}
	store_close(s);
	camt_free(&st);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct cli c;
	int	 rc;

	/* The database and the files beside it: owner and group only. */
	umask(027);
	if (argc < 2)
		return usage();
	if (cli_parse(&c, argc, argv) != 0) {
		free(c.args);
		conf_free(&c.conf);
		return usage();
	}
	if (strcmp(argv[1], "lint") == 0)
		rc = cmd_lint(&c);
	else if (strcmp(argv[1], "init") == 0)
		rc = cmd_init(&c);
	else if (strcmp(argv[1], "outbox") == 0)
		rc = cmd_outbox(&c);
	else if (strcmp(argv[1], "export") == 0)
		rc = cmd_export(&c);
	else if (strcmp(argv[1], "purge") == 0)
		rc = cmd_purge(&c);
	else if (strcmp(argv[1], "camt") == 0)
		rc = cmd_camt(&c);
	else if (strcmp(argv[1], "reindex") == 0)
		rc = cmd_reindex(&c);
	else if (strcmp(argv[1], "checksum") == 0)
		rc = cmd_checksum(&c);
	else if (strcmp(argv[1], "store-copy") == 0)
		rc = cmd_store_copy(&c);
	else
		rc = usage();
	free(c.args);
	conf_free(&c.conf);
	xmlCleanupParser();
	return rc;
}
