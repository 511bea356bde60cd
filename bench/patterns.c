/*
 * How long libxml2's regexp matcher takes for the patterns of service
 * definitions on the longest answers a request can carry (64 KiB), built
 * to make a backtracking matcher work hardest (tests/unit/adversarial.h).
 * Target: under 100 ms per pattern (docs/PERFORMANCE.md). bench/patterns
 * builds and runs it:
 *
 *   patterns FILE.xml...      every pattern= and warn-pattern= in them
 *   patterns -e RE...         the given patterns
 *
 * Prints the worst time of each pattern and the fill that caused it; a
 * pattern that takes more than a second on one value is not tried on
 * the other fills. Exit status 1 when a pattern misses the target.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/xmlregexp.h>
#include <libxml/xpath.h>

#include "adversarial.h"

#define TARGET_MS	100.0
#define GIVE_UP_MS	1000.0

struct run {
	xmlRegexpPtr	 re;
	double		 worst_ms;
	char		 fill[8];
};

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static int
one(const char *value, void *arg)
{
	struct run *r = arg;
	double	 t0 = now_ms(), ms;

	(void)xmlRegexpExec(r->re, (const xmlChar *)value);
	ms = now_ms() - t0;
	if (ms > r->worst_ms) {
		r->worst_ms = ms;
		snprintf(r->fill, sizeof(r->fill), "%.*s",
		    value[1] == value[0] ? 1 : 2, value);
	}
	return ms > GIVE_UP_MS;
}

/* A pattern inside a Markdown table cell: "|" escaped. */
static void
print_cell(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '|')
			fputs("\\|", stdout);
		else
			putchar(*s);
}

/* 0 within the target, 1 over it, -1 when it does not compile. */
static int
measure(const char *where, const char *pattern)
{
	struct run r = { NULL, 0, "" };
	int	 over;

	printf("| %s | `", where);
	print_cell(pattern);
	if ((r.re = xmlRegexpCompile((const xmlChar *)pattern)) == NULL) {
		printf("` | does not compile | |\n");
		return -1;
	}
	over = adversarial_each(pattern, one, &r) != 0 ||
	    r.worst_ms >= TARGET_MS;
	printf("` | %s%.1f ms | \"%s\" |\n",
	    r.worst_ms > GIVE_UP_MS ? "> " : "", r.worst_ms,
	    strcmp(r.fill, "\n") == 0 ? "\\n" : r.fill);
	fflush(stdout);
	xmlRegFreeRegexp(r.re);
	return over;
}

static int
measure_file(const char *path)
{
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr set;
	xmlNodePtr a;
	xmlChar	*name, *value;
	char	 where[512];
	int	 i, rc = 0, r;

	if ((doc = xmlReadFile(path, NULL, XML_PARSE_NONET)) == NULL)
		return -1;
	ctx = xmlXPathNewContext(doc);
	set = ctx ? xmlXPathEvalExpression((const xmlChar *)
	    "//field/@pattern | //field/@warn-pattern", ctx) : NULL;
	for (i = 0; set != NULL && set->nodesetval != NULL &&
	    i < set->nodesetval->nodeNr; i++) {
		a = set->nodesetval->nodeTab[i];
		name = xmlGetProp(a->parent, (const xmlChar *)"name");
		value = xmlNodeGetContent(a);
		snprintf(where, sizeof(where), "%s %s %s", path,
		    name ? (const char *)name : "?", (const char *)a->name);
		if ((r = measure(where, (const char *)value)) != 0)
			rc = r;
		xmlFree(name);
		xmlFree(value);
	}
	xmlXPathFreeObject(set);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return rc;
}

int
main(int argc, char *argv[])
{
	int	 i, rc = 0, r, patterns = 0;

	printf("| where | pattern | worst (64 KiB) | fill |\n|---|---|---:|---|\n");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-e") == 0) {
			patterns = 1;
			continue;
		}
		r = patterns ? measure("-e", argv[i]) : measure_file(argv[i]);
		if (r != 0)
			rc = 1;
	}
	xmlCleanupParser();
	return rc;
}
