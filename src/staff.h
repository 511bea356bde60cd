/*
 * staff: what every page of the staff program shares. Identity comes only
 * from the web server (REMOTE_USER), mapped by data/clerks.xml <login> to
 * a clerk or the administrator role; every POST carries the CSRF token
 * of a SameSite=Strict cookie and, when the browser sends one, an Origin
 * of our own.
 */
#ifndef RATHAUS_STAFF_H
#define RATHAUS_STAFF_H

#include <libxml/tree.h>

struct app;
struct app_staff;

int	 staff_guard(struct app *);
int	 staff_may(const struct app *, const char *service);
xmlNodePtr staff_node(struct app *, xmlNodePtr parent);
int	 staff_link(struct app *, struct buf *, const char *path);
void	 staff_free(struct app_staff *);

#endif
