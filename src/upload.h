/*
 * upload: what a file part may be. The kind of a file is read from its
 * first bytes (magic numbers), never from its name or the Content-Type the
 * browser sent; its name is only ever shown, never used as a path.
 */
#ifndef RATHAUS_UPLOAD_H
#define RATHAUS_UPLOAD_H

#include <stddef.h>

#include "buf.h"
#include "form.h"
#include "req.h"
#include "store.h"
#include "valid.h"

#define UPLOAD_NAME_MAX	100	/* bytes of a display name, without NUL */

enum upload_type {
	UPLOAD_PDF,
	UPLOAD_JPEG,
	UPLOAD_PNG,
	UPLOAD_UNKNOWN
};

enum upload_type upload_sniff(const unsigned char *data, size_t len);
const char	*upload_mime(enum upload_type);
enum upload_type upload_type_of_mime(const char *mime);
unsigned	 upload_accept_bit(enum upload_type);
const char	*upload_check(const struct form_field *, const char *filename,
		    const unsigned char *data, size_t len,
		    char arg[VALID_ARG_MAX]);
void		 upload_name(char out[UPLOAD_NAME_MAX + 1],
		    const char *filename, enum upload_type);
void		 upload_save_name(char out[UPLOAD_NAME_MAX + 1],
		    const char *name, const char *fallback, enum upload_type);
int		 upload_describe(struct buf *, const char *filename,
		    const char *mime, size_t size);
int		 upload_answers(const struct form *,
		    const struct req_params *body,
		    const struct store_upload *files, size_t nfiles,
		    struct req_params *out);
const char	*upload_check_answer(const struct form_field *,
		    const char *answer, char arg[VALID_ARG_MAX]);

#endif
