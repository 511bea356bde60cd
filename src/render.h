/*
 * render: the only user of libxslt. Applies xsl/<name>.xsl to a result
 * document and writes the CGI response: headers, then the HTML.
 */
#ifndef RATHAUS_RENDER_H
#define RATHAUS_RENDER_H

#include <stdio.h>
#include <libxml/tree.h>

struct render_page {
	const char	*share_dir;
	const char	*stylesheet;	/* "form" -> xsl/form.xsl */
	xmlDocPtr	 doc;
	int		 status;
	int		 private_page;	/* personal data: never cache */
	int		 head_only;	/* HEAD request: headers only */
	const char	*lang;
	const char	*allow;		/* Allow header for 405, or NULL */
};

void	 render_init(void);
void	 render_cleanup(void);
int	 render(const struct render_page *, FILE *out);
void	 render_redirect(const char *location, FILE *out);
void	 render_plain_error(int status, FILE *out);
const char *render_status_text(int status);

#endif
