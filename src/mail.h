/*
 * mail: the transport. One message formatted (mail_format) and handed
 * to an SMTP server (mail_send, libcurl); the words are the caller's.
 * It knows nothing of the store: the outbox module decides what to send.
 */
#ifndef RATHAUS_MAIL_H
#define RATHAUS_MAIL_H

#include <stddef.h>
#include <time.h>

#define MAIL_MAX	(1u << 20)	/* bytes of one formatted message */

struct buf;
struct conf;

int	 mail_format(struct buf *out, const struct conf *, const char *to,
	    const char *subject, const char *body, time_t now);
int	 mail_send(const struct conf *, const char *to, const char *msg,
	    size_t len, char *err, size_t errlen);

#endif
