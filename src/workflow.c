#include "config.h"

#include <string.h>

#include "workflow.h"

/* In the order the back office lists them. */
const char *const workflow_states[WORKFLOW_STATES] = {
	"received", "in_progress", "waiting", "completed", "rejected",
};

/* from -> to; nothing leaves completed or rejected (a new request does). */
static const struct {
	const char	*from;
	const char	*to;
} workflow_moves[] = {
	{ "received", "in_progress" },
	{ "received", "rejected" },
	{ "in_progress", "waiting" },
	{ "in_progress", "completed" },
	{ "in_progress", "rejected" },
	{ "waiting", "in_progress" },
	{ "waiting", "completed" },
	{ "waiting", "rejected" },
};

int
workflow_known(const char *state)
{
	size_t	 i;

	for (i = 0; state != NULL && i < WORKFLOW_STATES; i++)
		if (strcmp(state, workflow_states[i]) == 0)
			return 1;
	return 0;
}

int
workflow_allowed(const char *from, const char *to)
{
	size_t	 i;

	if (from == NULL || to == NULL)
		return 0;
	for (i = 0; i < sizeof(workflow_moves) / sizeof(workflow_moves[0]); i++)
		if (strcmp(from, workflow_moves[i].from) == 0 &&
		    strcmp(to, workflow_moves[i].to) == 0)
			return 1;
	return 0;
}

/* Done with: the retention period runs from here. */
int
workflow_final(const char *state)
{
	return state != NULL && (strcmp(state, "completed") == 0 ||
	    strcmp(state, "rejected") == 0);
}
