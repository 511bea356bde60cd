/*
 * store_my: what a logged-in citizen's pages read and write ("Meine
 * Anträge", the Postkorb): their submissions by account, one of them by
 * reference and account, adding an anonymous submission to the account
 * (reference and token), the citizen's answers to the town hall with at
 * most one file each. A submission of another account is not found, like
 * an unknown one.
 */
#ifndef RATHAUS_STORE_MY_H
#define RATHAUS_STORE_MY_H

#include "store.h"

/* One line of "Meine Anträge". */
struct store_my_row {
	char		 ref[REF_MAX];
	char		*service;
	char		 created[STORE_TIME_MAX];
	char		 status[STORE_STATUS_MAX];
	char		 payment[16];
	long		 fee_cents;
	long		 messages;	/* the town hall's messages */
	char		*last_message;	/* the newest of them, or NULL */
	int		 unanswered;	/* its last message is newer than the
					 * citizen's last answer */
};

/* An answer of the citizen; the file, if any, is upload (ref, field). */
struct store_reply {
	long		 id;
	char		 at[STORE_TIME_MAX];
	char		*text;
	char		 field[STORE_FIELD_MAX];	/* "" without a file */
	char		 filename[STORE_FILENAME_MAX];
	char		 mime[STORE_MIME_MAX];
	size_t		 size;
	int		 seen;		/* a clerk has looked at it */
};

/* What a citizen's answer stores. */
struct store_answer {
	const char	*ref;
	const char	*subject;	/* the account that owns it */
	const char	*text;
	const struct store_staged *file;	/* or NULL; field is ignored */
	const char	*now;		/* ISO 8601 UTC */
	store_mails_fn	 mails;		/* or NULL */
	void		*mails_arg;
};

int	 store_my_list(struct store *, const char *subject,
	    struct store_my_row **, size_t *);
void	 store_my_list_free(struct store_my_row *, size_t);
int	 store_my_find(struct store *, const char *ref, const char *subject,
	    struct store_submission *, char token[REF_TOKEN_LEN + 1]);
int	 store_my_claim(struct store *, const char *ref, const char *token,
	    const char *subject, const char *now);
int	 store_my_answer(struct store *, const struct store_answer *);
int	 store_my_replies(struct store *, const char *ref,
	    struct store_reply **, size_t *);
void	 store_my_replies_free(struct store_reply *, size_t);
int	 store_my_replies_seen(struct store *, const char *ref,
	    const char *now);

#endif
