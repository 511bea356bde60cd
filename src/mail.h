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
/* What became of a message given to mail_send. */
enum mail_result {
	MAIL_SENT = 0,		/* the server took it (250 to its end) */
	MAIL_NOT_SENT = -1,	/* the server has not got it, or refused it:
				   sending it again is safe */
	MAIL_UNSURE = 1		/* handed over, no answer: may have arrived */
};

/*
 * Asked once, when the server waits for the message (after its 354 to
 * DATA) and before any of it is sent: 0 to hand it over, anything else
 * to stop, and the server gets nothing it could deliver.
 */
typedef int (*mail_hand_fn)(void *arg);

enum mail_result mail_send(const struct conf *, const char *to,
	    const char *msg, size_t len, mail_hand_fn hand, void *hand_arg,
	    char *err, size_t errlen);

#endif
