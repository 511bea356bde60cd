/*
 * workflow: the states of a submission and the ways between them, as
 * clerks move it: received -> in progress -> completed or rejected, and
 * "waiting for the citizen" from and back to in progress.
 */
#ifndef RATHAUS_WORKFLOW_H
#define RATHAUS_WORKFLOW_H

#define WORKFLOW_STATES	5

extern const char *const workflow_states[WORKFLOW_STATES];

int	 workflow_known(const char *state);
int	 workflow_allowed(const char *from, const char *to);
int	 workflow_final(const char *state);

#endif
