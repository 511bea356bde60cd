/*
 * page_site: the town's look, from its site directory: /site/look (a
 * stylesheet: the colours of municipality.xml as custom properties, then
 * the site's style.css) and /site/logo (the file municipality.xml names
 * in <look><logo src>). Served
 * by the program so that a town needs no web-server alias for them; the
 * pages link them with a version, so browsers may keep them long.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "buf.h"
#include "form.h"
#include "page.h"
#include "render.h"

#define PAGE_SITE_FILE_MAX	(512L * 1024)	/* a stylesheet or a logo */

/* The colours rathaus.css takes as custom properties, and only these. */
static const char *const page_site_colours[] = {
	"primary", "primary-dark", "on-primary", "visited",
};

/* <municipality><look>, or NULL. */
static xmlNodePtr
page_site_look(const struct app *a)
{
	xmlNodePtr n;

	if (a->share->municipality == NULL)
		return NULL;
	for (n = xmlDocGetRootElement(a->share->municipality)->children;
	    n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, "look") == 0)
			return n;
	return NULL;
}

/* "#rrggbb" and nothing else can end up in the stylesheet. */
static int
page_site_colour_ok(const char *v)
{
	size_t	 i;

	if (v == NULL || strlen(v) != 7 || v[0] != '#')
		return 0;
	for (i = 1; i < 7; i++)
		if (strchr("0123456789abcdefABCDEF", v[i]) == NULL)
			return 0;
	return 1;
}

/* Append the file site_dir/name, if there is one, at most the maximum. */
static int
page_site_add_file(const struct app *a, const char *name, struct buf *out,
    int *found)
{
	struct buf path;
	struct stat st;
	char	 chunk[8192];
	size_t	 n;
	FILE	*f = NULL;
	int	 rc = -1;

	*found = 0;
	buf_init(&path, 4096);
	if (buf_printf(&path, "%s/%s", a->conf.site_dir, name) == -1)
		goto out;
	if ((f = fopen(buf_str(&path), "rb")) == NULL) {
		rc = 0;		/* none: nothing to add */
		goto out;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > PAGE_SITE_FILE_MAX) {
		fprintf(stderr, "rathaus: %s: not a file of at most %ld"
		    " bytes\n", buf_str(&path), PAGE_SITE_FILE_MAX);
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(out, chunk, n) == -1)
			goto out;
	if (ferror(f))
		goto out;
	*found = 1;
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	buf_free(&path);
	return rc;
}

static int
page_site_css(struct app *a)
{
	struct buf css;
	xmlNodePtr look = page_site_look(a), n;
	const char *name, *value;
	size_t	 k;
	int	 found, rc = -1;

	buf_init(&css, PAGE_SITE_FILE_MAX + 4096);
	buf_addstr(&css, ":root {\n");
	for (n = look ? look->children : NULL; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "colour") != 0 ||
		    (name = form_attr(n, "name")) == NULL || n->children == NULL)
			continue;
		value = (const char *)n->children->content;
		for (k = 0; k < sizeof(page_site_colours) /
		    sizeof(page_site_colours[0]); k++)
			if (strcmp(name, page_site_colours[k]) == 0 &&
			    page_site_colour_ok(value))
				buf_printf(&css, "  --%s: %s;\n", name, value);
	}
	buf_addstr(&css, "}\n");
	if (page_site_add_file(a, "style.css", &css, &found) == 0 &&
	    !css.failed) {
		render_asset("text/css; charset=utf-8", buf_str(&css),
		    css.len, a->req.method == REQ_HEAD, a->out);
		a->answered = 1;
		rc = 0;
	}
	buf_free(&css);
	return rc;
}

/* The logo municipality.xml names, by its own name only. */
static int
page_site_logo(struct app *a, const char *src)
{
	static const struct { const char *ext, *ctype; } types[] = {
		{ ".svg", "image/svg+xml" }, { ".png", "image/png" },
		{ ".jpg", "image/jpeg" }, { ".webp", "image/webp" },
	};
	struct buf data;
	const char *dot = strrchr(src, '.');
	size_t	 k;
	int	 found = 0, rc = -1;

	for (k = 0; dot != NULL && k < sizeof(types) / sizeof(types[0]); k++)
		if (strcmp(dot, types[k].ext) == 0)
			break;
	if (dot == NULL || k == sizeof(types) / sizeof(types[0]) ||
	    strchr(src, '/') != NULL || src[0] == '.')
		return app_error(a, 404, "not_found");
	buf_init(&data, PAGE_SITE_FILE_MAX);
	if (page_site_add_file(a, src, &data, &found) == 0) {
		if (!found || data.len == 0)
			rc = app_error(a, 404, "not_found");
		else {
			render_asset(types[k].ctype, data.data, data.len,
			    a->req.method == REQ_HEAD, a->out);
			a->answered = 1;
			rc = 0;
		}
	}
	buf_free(&data);
	return rc;
}

int
page_site(struct app *a)
{
	xmlNodePtr look, n;
	const char *src;

	if (*a->conf.site_dir == '\0' || app_share(a) != 0)
		return app_error(a, 404, "not_found");
	if (strcmp(a->route.arg, "look") == 0)
		return page_site_css(a);
	look = page_site_look(a);
	if (strcmp(a->route.arg, "logo") == 0)
		for (n = look ? look->children : NULL; n != NULL; n = n->next)
			if (n->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)n->name, "logo") == 0 &&
			    (src = form_attr(n, "src")) != NULL)
				return page_site_logo(a, src);
	return app_error(a, 404, "not_found");
}
