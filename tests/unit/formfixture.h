/*
 * A cmocka fixture of one service definition loaded with the shipped
 * schema, clerks and code lists (test_valid, test_pages).
 */
#ifndef RATHAUS_TEST_FORMFIXTURE_H
#define RATHAUS_TEST_FORMFIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "form.h"

struct fixture {
	struct form_share share;
	struct form	 form;
};

static inline int
fixture_load(void **state, const char *path)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct form_diag d;

	form_diag_init(&d);
	if (f == NULL || form_share_open(&f->share, SRCDIR,
	    SRCDIR "/examples/wiesmoor/site", NULL, &d) != 0 ||
	    form_load(&f->form, &f->share, path, &d) != 0) {
		fprintf(stderr, "%s", buf_str(&d.text));
		form_diag_free(&d);
		free(f);
		return -1;
	}
	form_diag_free(&d);
	*state = f;
	return 0;
}

static inline int
fixture_free(void **state)
{
	struct fixture *f = *state;

	if (f == NULL)
		return 0;
	form_free(&f->form);
	form_share_close(&f->share);
	free(f);
	return 0;
}

#endif
