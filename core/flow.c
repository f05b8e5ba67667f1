/* flow.c — the flow rules (docs/architecture.md, "Flow") as prefix tests
 * on paths. Pure. */
#include "flow.h"
#include "path.h"

#include <string.h>

bool
ld_flow_send_up(const char *self, const struct ld_flow_rec *r)
{
	return ld_path_in_subtree_n(r->owner.p, r->owner.n, self, strlen(self));
}

bool
ld_flow_send_down(const char *self, const char *child,
                  const struct ld_flow_rec *r)
{
	size_t sl = strlen(self), cl = strlen(child);
	/* The owner must be this node or one of its ancestors. */
	if (!ld_path_in_subtree_n(self, sl, r->owner.p, r->owner.n))
		return false;
	for (size_t i = 0; i < r->nscope; i++) {
		const struct ld_str *s = &r->scope[i];
		if (ld_path_in_subtree_n(s->p, s->n, child, cl) ||
		    ld_path_in_subtree_n(child, cl, s->p, s->n))
			return true;
	}
	return false;
}

bool
ld_flow_accept_from_child(const char *child, const struct ld_str *owner)
{
	return ld_path_in_subtree_n(owner->p, owner->n, child, strlen(child));
}

bool
ld_flow_accept_from_parent(const char *parent, const struct ld_str *owner)
{
	return ld_path_in_subtree_n(parent, strlen(parent), owner->p, owner->n);
}

int
ld_flow_scope_outside(const char *self, const struct ld_flow_rec *r)
{
	size_t sl = strlen(self);
	for (size_t i = 0; i < r->nscope; i++)
		if (!ld_path_in_subtree_n(r->scope[i].p, r->scope[i].n, self,
		                          sl))
			return (int)i;
	return -1;
}

bool
ld_flow_opinion_relay(const char *self, const char *owner, char *relay,
                      size_t relay_len)
{
	relay[0] = '\0';
	size_t sl = strlen(self);
	if (ld_path_is_child(owner, self))
		return false;
	/* The segment of `owner` after self's: self/X is the relay. */
	const char *next = strchr(owner + sl + 1, '/');
	size_t n = next ? (size_t)(next - owner) : strlen(owner);
	if (n >= relay_len)
		n = relay_len - 1;
	memcpy(relay, owner, n);
	relay[n] = '\0';
	return true;
}

bool
ld_flow_scope_inside(const char *self, const char *scope)
{
	struct ld_str s = {scope, strlen(scope)};
	struct ld_flow_rec r = {{self, strlen(self)}, &s, 1};
	return ld_flow_scope_outside(self, &r) < 0;
}
