/*
 * valid: checks what a citizen entered against a service definition. The
 * server's verdict is the only one that counts; the browser's checks are
 * a convenience. Errors are codes with one argument; the words live in
 * data/messages.xml.
 */
#ifndef RATHAUS_VALID_H
#define RATHAUS_VALID_H

#include <stddef.h>

#include "form.h"
#include "req.h"
#include "when.h"

#define VALID_ARG_MAX	32

struct valid_error {
	const char	*field;
	const char	*code;
	char		 arg[VALID_ARG_MAX];
};

/*
 * One entry per question asked, in the definition's order, normalised: a
 * field of a repeating group once per row, named "name.row".
 */
struct valid_value {
	const struct form_field *field;
	char		*name;
	long		 row;		/* 1.., or 0 outside repeating groups */
	char		*value;
	int		 asked;		/* its conditions hold */
};

struct valid_result {
	struct valid_value *values;
	size_t		 nvalues;
	struct valid_error *errors;	/* field: a values[].name */
	size_t		 nerrors;
	const char	**warnings;	/* names of fields with a warning */
	size_t		 nwarnings;
	long		*rows;		/* per group of the form: rows */
	int		 rows_changed;	/* a row was added or removed */
	size_t		 rows_group;	/* if so: of the form's groups[] */
	long		 rows_added;	/* the new row, or 0 */
	long		 rows_removed;	/* the removed row, or 0 */
};

/*
 * For a file field, `in` must hold as its text value the description of
 * the stored upload (upload_describe() of a store_upload_list() entry),
 * or nothing: never a value the citizen sent. upload_answers() builds
 * such an `in` from the request and the store's list.
 */
int	 valid_check(const struct form *, const struct req_params *,
	    const struct when_date *today, struct valid_result *);
const char *valid_answer(const struct valid_result *, const char *name,
	    size_t len);
int	 valid_set_error(struct valid_result *, const char *name,
	    const char *code, const char *arg);
int	 valid_when(const struct valid_result *, const char *when);
int	 valid_iban(char *);
int	 valid_warning_accepted(const char *accepted, const char *name);
int	 valid_warnings_accepted(const struct valid_result *,
	    const char *accepted);
void	 valid_result_free(struct valid_result *);

#endif
