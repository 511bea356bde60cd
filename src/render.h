/*
 * render: the only user of libxslt. Applies xsl/<name>.xsl to a result
 * document and writes the CGI response: headers, then the HTML.
 */
#ifndef RATHAUS_RENDER_H
#define RATHAUS_RENDER_H

#include <stdio.h>
#include <libxml/tree.h>

#include "buf.h"

/* Where the stylesheets and catalog are, and the town's own files. */
struct render_dirs {
	const char	*share;		/* share_dir */
	const char	*site;		/* site_dir, "" or NULL: none */
	const char	*data;		/* data_dir: <data>/cache holds the
					 * merged catalogs; "" or NULL: none */
};

struct render_page {
	struct render_dirs dirs;
	const char	*stylesheet;	/* "form" -> xsl/form.xsl */
	xmlDocPtr	 doc;
	int		 status;
	int		 private_page;	/* personal data: never cache */
	int		 head_only;	/* HEAD request: headers only */
	const char	*lang;
	const char	*allow;		/* Allow header for 405, or NULL */
	const char	*set_cookie;	/* a Set-Cookie header value, or NULL */
	long		 retry_after;	/* a 503's Retry-After, s; 0: the default */
	const char	*form_action;	/* origins forms may also lead to */
	struct buf	*keep;		/* set: a copy of the HTML goes here */
};

/* A file to download: never shown inline, never sniffed, never cached. */
struct render_file {
	const char	*ctype;
	const char	*filename;	/* suggested name, UTF-8 */
	const void	*data;
	size_t		 len;
	int		 head_only;
};

void	 render_init(void);
void	 render_cleanup(void);
int	 render(const struct render_page *, FILE *out);
/* The SHA-256 of `doc` as serialised, in hex: the same for documents
 * equal to the byte (a page's memo, app.c); 0, or -1. */
#define RENDER_DIGEST_HEX	64
int	 render_digest(xmlDocPtr doc, char hex[RENDER_DIGEST_HEX + 1]);
void	 render_html(const struct render_page *, const char *html,
	    size_t len, FILE *out);
int	 render_text(const struct render_dirs *, const char *stylesheet,
	    xmlDocPtr doc, struct buf *out);
void	 render_download(const struct render_file *, FILE *out);
void	 render_redirect(const char *location, FILE *out);
void	 render_asset(const char *ctype, const void *data, size_t len,
	    int head_only, FILE *out);
void	 render_plain(int status, const char *text, FILE *out);
void	 render_plain_error(int status, FILE *out);
const char *render_status_text(int status);

#endif
