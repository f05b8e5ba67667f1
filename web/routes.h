/* routes.h — the console's one table of routes: method and path (or path
 * prefix) to a page handler, with what the person's role must allow. */
#ifndef LD_ROUTES_H
#define LD_ROUTES_H

#include <stdbool.h>

#include "server.h"

enum {
	LD_ROUTE_PUBLIC = 1, /* no login needed (login page, CSS) */
	LD_ROUTE_PREFIX = 2, /* `path` is a prefix; rq->rest gets the rest */
};

struct ld_route {
	const char *method; /* "GET", "POST" */
	const char *path;   /* "/tasks", or a prefix "/r/" */
	unsigned flags;
	int need;           /* enum ld_action (users.h) */
	void (*fn)(struct ld_web_req *rq);
	/* For a prefix route: what the path must end with after a
	 * non-empty middle ("/edit"; a final '#' stands for one or more
	 * digits: "/a/#"); NULL = anything. rq->rest still holds all that
	 * follows the prefix. */
	const char *suffix;
};

/* The route for a request, or NULL. For a prefix route *rest is what
 * follows the prefix. A route whose path has a "/progress" suffix after
 * an id is written as a prefix and checks its own rest. */
const struct ld_route *ld_route_find(const char *method, const char *path,
                                     const char **rest);

#endif
