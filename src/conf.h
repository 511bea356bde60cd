/* conf: the instance configuration file ("key = value" lines). */
#ifndef RATHAUS_CONF_H
#define RATHAUS_CONF_H

#include <stddef.h>

struct conf {
	char	*data_dir;	/* SQLite database directory */
	char	*share_dir;	/* forms/, xsl/, data/, static/ */
	char	*base_url;	/* public origin for absolute links */
	char	*script;	/* URL path of the citizen program */
	char	*static_url;	/* URL path of static files */
	char	*timezone;	/* the municipality's zone, for "today" */
	char	*staff_script;	/* URL path of the staff program */
};

int	 conf_load(struct conf *, const char *path, char *err, size_t errlen);
int	 conf_defaults(struct conf *);
void	 conf_free(struct conf *);

#endif
