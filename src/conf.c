#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

#define CONF_LINE_MAX	4096

enum conf_key {
	CONF_DATA_DIR,
	CONF_SHARE_DIR,
	CONF_BASE_URL,
	CONF_SCRIPT,
	CONF_STATIC,
	CONF_TIMEZONE,
	CONF_STAFF_SCRIPT,
	CONF__MAX
};

static const char *const conf_keys[CONF__MAX] = {
	"data_dir", "share_dir", "base_url", "script", "static", "timezone",
	"staff_script",
};

static char **
conf_slot(struct conf *c, enum conf_key k)
{
	switch (k) {
	case CONF_DATA_DIR:	return &c->data_dir;
	case CONF_SHARE_DIR:	return &c->share_dir;
	case CONF_BASE_URL:	return &c->base_url;
	case CONF_SCRIPT:	return &c->script;
	case CONF_STATIC:	return &c->static_url;
	case CONF_TIMEZONE:	return &c->timezone;
	case CONF_STAFF_SCRIPT:	return &c->staff_script;
	default:		return NULL;
	}
}

/* Fill every unset key with its default; -1 when out of memory. */
int
conf_defaults(struct conf *c)
{
	static const char *const defaults[CONF__MAX] = {
		"/var/lib/rathaus", PKGDATADIR, "http://localhost",
		"/cgi-bin/rathaus.cgi", "/static", "Europe/Berlin",
		"/cgi-bin/staff.cgi",
	};
	char	**slot;
	int	  k;

	for (k = 0; k < CONF__MAX; k++) {
		slot = conf_slot(c, (enum conf_key)k);
		if (*slot == NULL && (*slot = strdup(defaults[k])) == NULL)
			return -1;
	}
	return 0;
}

static int
conf_zone_known(const char *zone)
{
	char	 path[512];

	if (*zone == '\0' || *zone == '/' || strstr(zone, "..") != NULL)
		return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	return access(path, R_OK) == 0;
}

static int
conf_fail(char *err, size_t errlen, const char *path, int line,
    const char *what)
{
	snprintf(err, errlen, "%s:%d: %s", path, line, what);
	return -1;
}

/*
 * Unknown keys are errors, not silently ignored: a typo in a path would
 * otherwise put the database somewhere nobody backs up.
 */
int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	FILE	*f;
	char	 line[CONF_LINE_MAX], *key, *val, *eq, *end, **slot;
	int	 lineno = 0, k, rc = 0;

	memset(c, 0, sizeof(*c));
	if ((f = fopen(path, "r")) == NULL)
		return conf_fail(err, errlen, path, 0, "cannot open");
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			rc = conf_fail(err, errlen, path, lineno, "line too long");
			break;
		}
		key = line + strspn(line, " \t");
		if (*key == '#' || *key == '\n' || *key == '\0')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			rc = conf_fail(err, errlen, path, lineno, "expected key = value");
			break;
		}
		*eq = '\0';
		for (end = eq; end > key && (end[-1] == ' ' || end[-1] == '\t');)
			*--end = '\0';
		val = eq + 1;
		val += strspn(val, " \t");
		val[strcspn(val, "\r\n")] = '\0';
		for (end = val + strlen(val);
		    end > val && (end[-1] == ' ' || end[-1] == '\t');)
			*--end = '\0';
		for (k = 0; k < CONF__MAX; k++)
			if (strcmp(key, conf_keys[k]) == 0)
				break;
		if (k == CONF__MAX) {
			rc = conf_fail(err, errlen, path, lineno, "unknown key");
			break;
		}
		slot = conf_slot(c, (enum conf_key)k);
		free(*slot);
		if ((*slot = strdup(val)) == NULL)
			rc = conf_fail(err, errlen, path, lineno, "out of memory");
	}
	fclose(f);
	if (rc == 0 && conf_defaults(c) == -1)
		rc = conf_fail(err, errlen, path, 0, "out of memory");
	/* An unknown zone would silently become UTC and shift every date rule. */
	if (rc == 0 && !conf_zone_known(c->timezone))
		rc = conf_fail(err, errlen, path, 0, "unknown timezone");
	if (rc != 0)
		conf_free(c);
	return rc;
}

void
conf_free(struct conf *c)
{
	int	 k;

	for (k = 0; k < CONF__MAX; k++) {
		char **slot = conf_slot(c, (enum conf_key)k);
		free(*slot);
		*slot = NULL;
	}
}
