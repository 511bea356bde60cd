/*
 * notice: the mails a change causes, composed by xsl/mail-*.xsl (text)
 * in the citizen's language and queued in the change's transaction. They
 * name the service, the reference and a link, never an answer: a mail
 * may pass through servers nobody here controls.
 */
#ifndef RATHAUS_NOTICE_H
#define RATHAUS_NOTICE_H

#include "app.h"
#include "form.h"
#include "store.h"

struct notice {
	struct app	*app;
	const struct form *form;	/* the service */
	const char	*email;		/* the citizen's, or NULL */
	const char	*lang;		/* the citizen's language */
	const char	*status;	/* the new status (status notices) */
	const char	*message;	/* the clerk's words to the citizen */
};

int	 notice_received(struct store *, void *notice,
	    const struct store_receipt *);
int	 notice_status(struct store *, void *notice,
	    const struct store_receipt *);

#endif
