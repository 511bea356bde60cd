/*
 * site: the checks of a town's site directory for `rathaus lint`:
 * municipality.xml, clerks.xml, categories.xml against their schemas,
 * messages.xml's keys, the logo, the contrast of the town's colours, and
 * the appointment calendars in calendars/ (src/cal.c).
 */
#ifndef RATHAUS_SITE_H
#define RATHAUS_SITE_H

#include "form.h"

int	 site_lint(const struct form_share *, struct form_diag *);
void	 site_lint_unused(const struct form_share *, const struct form *,
	    size_t, struct form_diag *);
double	 site_contrast(const char *rgb1, const char *rgb2);

#endif
