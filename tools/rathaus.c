/*
 * rathaus: the administrator's command line.
 *   rathaus lint [--share DIR] [FILE...]   check service definitions
 *   rathaus init [--conf FILE | --data DIR] create or migrate the store
 *   rathaus outbox [--conf FILE]           send the mails that are due
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "conf.h"
#include "form.h"
#include "mail.h"
#include "store.h"
#include "store_outbox.h"

static int
usage(void)
{
	fputs("usage: rathaus lint [--share DIR] [FILE...]\n"
	    "       rathaus init [--conf FILE | --data DIR]\n"
	    "       rathaus outbox [--conf FILE]\n", stderr);
	return 2;
}

/* Options common to the commands: --conf FILE, --share DIR, --data DIR. */
struct cli {
	struct conf	 conf;
	int		 first_arg;
};

static int
cli_parse(struct cli *c, int argc, char *argv[])
{
	const char *conf_path = getenv("RATHAUS_CONF");
	const char *share = NULL, *data = NULL;
	char	 err[512];
	int	 i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--conf") == 0 && i + 1 < argc)
			conf_path = argv[++i];
		else if (strcmp(argv[i], "--share") == 0 && i + 1 < argc)
			share = argv[++i];
		else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			data = argv[++i];
		else if (strncmp(argv[i], "--", 2) == 0)
			return -1;
		else
			break;
	}
	c->first_arg = i;
	memset(&c->conf, 0, sizeof(c->conf));
	if (conf_path != NULL &&
	    conf_load(&c->conf, conf_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "rathaus: %s\n", err);
		return -1;
	}
	if (share != NULL) {
		free(c->conf.share_dir);
		c->conf.share_dir = strdup(share);
	}
	if (data != NULL) {
		free(c->conf.data_dir);
		c->conf.data_dir = strdup(data);
	}
	return conf_defaults(&c->conf);
}

static int
cmd_lint(struct cli *c, int argc, char *argv[])
{
	struct form_share share;
	struct form_diag diag;
	struct form f, *forms = NULL;
	struct buf path;
	size_t	 n = 0, k;
	int	 i, rc;

	form_diag_init(&diag);
	if (form_share_open(&share, c->conf.share_dir, NULL, &diag) != 0) {
		fputs(buf_str(&diag.text), stdout);
		form_diag_free(&diag);
		return 2;
	}
	if (c->first_arg < argc) {
		for (i = c->first_arg; i < argc; i++)
			if (form_load(&f, &share, argv[i], &diag) == 0) {
				(void)form_lint(&share, &f, argv[i], &diag);
				form_free(&f);
			}
	} else if (form_catalog(&share, &forms, &n, &diag) == 0) {
		/* Loaded definitions are forms/<id>.xml: the id is checked. */
		buf_init(&path, 4096);
		for (k = 0; k < n; k++) {
			buf_reset(&path);
			buf_printf(&path, "%s/forms/%s.xml", share.dir,
			    forms[k].id);
			(void)form_lint(&share, &forms[k], buf_str(&path), &diag);
		}
		buf_free(&path);
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
	int	 from = 0, to = 0, rc;

	if (store_open(&s, c->conf.data_dir, 1) != STORE_OK)
		return 1;
	rc = store_migrate(s, &from, &to);
	if (rc != STORE_OK)
		fprintf(stderr, "rathaus: %s\n", store_errmsg(s));
	else if (from == to)
		printf("%s/rathaus.db: schema version %d, up to date\n",
		    c->conf.data_dir, to);
	else
		printf("%s/rathaus.db: schema version %d -> %d\n",
		    c->conf.data_dir, from, to);
	store_close(s);
	return rc == STORE_OK ? 0 : 1;
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
	struct mail_stats st;
	struct store *s;
	long	 pending = 0, given_up = 0;
	int	 rc;

	if (store_open(&s, c->conf.data_dir, 0) != STORE_OK)
		return 1;
	if (*c->conf.smtp_url == '\0')
		fputs("rathaus: mail is off (no smtp_url): nothing sent\n",
		    stderr);
	rc = mail_flush(&c->conf, s, time(NULL), 0, OUTBOX_BUDGET_MS, &st);
	if (rc == 0 && store_outbox_counts(s, &pending, &given_up) !=
	    STORE_OK)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "rathaus: %s\n", store_errmsg(s));
	printf("outbox: sent %d, failed %d, pending %ld, given up %ld\n",
	    st.sent, st.failed + st.given_up, pending, given_up);
	store_close(s);
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	struct cli c;
	int	 rc;

	if (argc < 2)
		return usage();
	if (cli_parse(&c, argc, argv) != 0) {
		conf_free(&c.conf);
		return usage();
	}
	if (strcmp(argv[1], "lint") == 0)
		rc = cmd_lint(&c, argc, argv);
	else if (strcmp(argv[1], "init") == 0)
		rc = cmd_init(&c);
	else if (strcmp(argv[1], "outbox") == 0)
		rc = cmd_outbox(&c);
	else
		rc = usage();
	conf_free(&c.conf);
	xmlCleanupParser();
	return rc;
}
