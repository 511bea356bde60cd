/*
 * mail: mails to citizens over SMTP (libcurl). The words are the
 * caller's: it queues recipient, subject and body with store_queue_mail
 * in the transaction of the change; mail_flush sends what is due.
 */
#ifndef RATHAUS_MAIL_H
#define RATHAUS_MAIL_H

#include <stddef.h>
#include <time.h>

struct buf;
struct conf;
struct store;

#define MAIL_ATTEMPTS_MAX	10	/* failed attempts before giving up */
#define MAIL_BACKOFF_FIRST	60	/* seconds after the first failure */
#define MAIL_BACKOFF_MAX	(6 * 3600)

struct mail_stats {
	int	 sent;		/* handed over to the SMTP server */
	int	 failed;	/* failed, to be tried again later */
	int	 given_up;	/* failed for the last time (or malformed) */
};

int	 mail_format(struct buf *out, const struct conf *, const char *to,
	    const char *subject, const char *body, time_t now);
int	 mail_send(const struct conf *, const char *to, const char *msg,
	    size_t len, char *err, size_t errlen);
int	 mail_flush(const struct conf *, struct store *, time_t now, int max,
	    long budget_ms, struct mail_stats *);

#endif
