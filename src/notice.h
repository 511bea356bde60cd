/*
 * notice: the mails a change causes, composed by xsl/mail.xsl (text) in
 * the citizen's language and queued in the change's transaction. They
 * name the service, the reference and a link, never an answer: a mail
 * may pass through servers nobody here controls. A new submission's are
 * rendered before its transaction (notice_received), so that no citizen
 * waits for another's mail to be composed under the write lock: with a
 * mark where the reference goes, which the transaction, having taken the
 * next number, puts in (notice_queue).
 */
#ifndef RATHAUS_NOTICE_H
#define RATHAUS_NOTICE_H

#include "app.h"
#include "form.h"
#include "store.h"

#define NOTICE_MAILS_MAX	2	/* the citizen's and the clerk's */
#define NOTICE_MARK_LEN		24	/* "ref-" and 20 random hex digits */

struct notice_mail {
	const char	*to;
	char		*subject;	/* malloc'ed; the body follows it */
	const char	*body;
};

struct notice {
	struct app	*app;
	const struct form *form;	/* the service */
	const char	*email;		/* the citizen's, or NULL */
	const char	*lang;		/* the citizen's language */
	const char	*status;	/* the new status (status notices) */
	const char	*message;	/* the clerk's words to the citizen */
	int		 account;	/* sent logged in: the link is to the
					 * Postkorb, /my/<ref> */
	int		 booked;	/* received: an appointment was booked */
	const char	*calendar;	/* its appointment's calendar file, for
					 * the citizen's mail, or NULL */
	struct notice_mail mails[NOTICE_MAILS_MAX];	/* rendered */
	size_t		 nmails;
	char		 mark[NOTICE_MARK_LEN + 1];	/* the reference's
					 * place in them (notice_received) */
};

/* A new submission's mails, the reference still a mark; 0, or -1. */
int	 notice_received(struct notice *, const char *token);
int	 notice_queue(struct store *, void *notice,
	    const struct store_receipt *);
int	 notice_status(struct store *, void *notice,
	    const struct store_receipt *);
int	 notice_reply(struct store *, void *notice,
	    const struct store_receipt *);
void	 notice_free(struct notice *);

#endif
