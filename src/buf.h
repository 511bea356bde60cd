/* buf: a bounded, growable byte buffer; the only way the engine builds
 * strings, so that no code needs sprintf/strcat and every length is known. */
#ifndef RATHAUS_BUF_H
#define RATHAUS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* always NUL-terminated when non-NULL */
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* hard upper bound on len; 0 means 16 MiB */
	int	 failed; /* set once an append failed; later appends are no-ops */
};

void	 buf_init(struct buf *, size_t max);
int	 buf_add(struct buf *, const void *, size_t);
int	 buf_addstr(struct buf *, const char *);
int	 buf_addch(struct buf *, char);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
const char *buf_str(const struct buf *);
char	*buf_steal(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);

#endif
