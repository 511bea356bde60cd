/* text: small, strict helpers for UTF-8 text and numbers. */
#ifndef RATHAUS_TEXT_H
#define RATHAUS_TEXT_H

#include <stddef.h>

struct buf;

int	 text_utf8_valid(const char *, size_t);
unsigned long text_utf8_next(const char **);
int	 text_has_controls(const char *);
int	 text_is_bidi(unsigned long);
int	 text_has_bidi(const char *);
void	 text_defuse_controls(char *);
int	 text_formula_start(const char *);
int	 text_email_plain(const char *);
int	 text_mod97(const char *);
int	 text_to_long(const char *, long min, long max, long *out);
int	 text_hexval(char);
void	 text_hex(const unsigned char *raw, size_t n, char *out);
int	 text_cents_format(long cents, char *out, size_t size);
int	 text_cents_parse(const char *, size_t max_whole, size_t max_frac,
	    long *cents);
char	*text_trim_dup(const char *);
int	 text_fold(struct buf *, const char *);
int	 text_contains_folded(const char *haystack, const char *folded_needle);

#endif
