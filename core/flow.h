/* flow.h — the flow rules (docs/architecture.md, "Flow"): what a node
 * sends to and accepts from its parent and children. Pure functions over
 * paths; no I/O. */
#ifndef LD_FLOW_H
#define LD_FLOW_H

#include <stdbool.h>
#include <stddef.h>

/* A borrowed byte string (not NUL-terminated). */
struct ld_str {
	const char *p;
	size_t n;
};

/* What the flow rules need of a record: its owner and scope. Borrowed. */
struct ld_flow_rec {
	struct ld_str owner;
	const struct ld_str *scope;
	size_t nscope;
};

/* Up: a node sends its parent every record owned inside its own subtree. */
bool ld_flow_send_up(const char *self, const struct ld_flow_rec *r);

/* Down: a node sends child `child` every record owned by itself or an
 * ancestor that has a scope entry s with in_subtree(s, child) or
 * in_subtree(child, s). */
bool ld_flow_send_down(const char *self, const char *child,
                       const struct ld_flow_rec *r);

/* Accepting from a child: only records owned inside the child's subtree. */
bool ld_flow_accept_from_child(const char *child, const struct ld_str *owner);

/* Accepting from the parent: only records owned by the parent or above. */
bool ld_flow_accept_from_parent(const char *parent, const struct ld_str *owner);

/* A local write: every scope entry must lie inside the node's own subtree.
 * Returns the index of the first entry that does not, or -1. */
int ld_flow_scope_outside(const char *self, const struct ld_flow_rec *r);

/* Opinions (社情民意信息) go up level by level: one written at `owner`
 * reaches its parent by itself; it reaches an office `self` higher up
 * only when the office one level below `self` on the way to `owner` has
 * forwarded it (报送). Write that office into `relay` (LD_PATH_MAX + 1
 * bytes) and return true; return false, with `relay` "", when `owner` is
 * a child of `self`. The caller has checked that `owner` is strictly
 * below `self`. */
bool ld_flow_opinion_relay(const char *self, const char *owner, char *relay,
                           size_t relay_len);
/* The same rule for one path a command is asked to look at (a report's
 * --scope): does `scope` lie inside node `self`'s subtree? Anything else
 * this node holds nothing of, or only what flowed down to it. */
bool ld_flow_scope_inside(const char *self, const char *scope);

#endif
