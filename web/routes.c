/* routes.c — the console's routes: which handler answers which method and
 * path, and what the person's role must allow (ld_role_may). The server
 * checks login, role and CSRF before the handler runs (server.h). */
#include "routes.h"
#include "pages.h"
#include "users.h"

#include <string.h>

static const struct ld_route routes[] = {
    {"GET", "/login", LD_ROUTE_PUBLIC, LD_ACT_READ, ld_page_login_form},
    {"POST", "/login", LD_ROUTE_PUBLIC, LD_ACT_READ, ld_page_login},
    {"GET", "/static/app.css", LD_ROUTE_PUBLIC, LD_ACT_READ, ld_page_css},
    {"POST", "/logout", 0, LD_ACT_READ, ld_page_logout},
    {"GET", "/", 0, LD_ACT_READ, ld_page_home},
    {"GET", "/tasks", 0, LD_ACT_READ, ld_page_tasks},
    {"GET", "/tasks/", LD_ROUTE_PREFIX, LD_ACT_READ, ld_page_task_sub},
    {"GET", "/surveys", 0, LD_ACT_READ, ld_page_surveys},
    {"GET", "/plans", 0, LD_ACT_READ, ld_page_plans},
    {"GET", "/proposals", 0, LD_ACT_READ, ld_page_proposals},
    {"GET", "/members", 0, LD_ACT_READ, ld_page_members},
    {"GET", "/r/", LD_ROUTE_PREFIX, LD_ACT_READ, ld_page_record},
    /* The JSON API: writes check the record's kind (ld_write_action). */
    {"GET", "/api/v1/", LD_ROUTE_PREFIX | LD_ROUTE_API, LD_ACT_READ,
     ld_api_get},
    {"POST", "/api/v1/", LD_ROUTE_PREFIX | LD_ROUTE_API, LD_ACT_READ,
     ld_api_post},
    {"PUT", "/api/v1/", LD_ROUTE_PREFIX | LD_ROUTE_API, LD_ACT_READ,
     ld_api_put},
    {"DELETE", "/api/v1/", LD_ROUTE_PREFIX | LD_ROUTE_API, LD_ACT_READ,
     ld_api_delete},
    {"GET", "/reports", 0, LD_ACT_REPORT, ld_page_reports},
    {"GET", "/reports/view", 0, LD_ACT_REPORT, ld_page_report_view},
    {"GET", "/reports/run/", LD_ROUTE_PREFIX, LD_ACT_REPORT,
     ld_page_report_run},
    {"GET", "/reports/p/", LD_ROUTE_PREFIX, LD_ACT_REPORT,
     ld_page_report_published},
    {"GET", "/stats", 0, LD_ACT_READ, ld_page_stats},
    {"GET", "/node", 0, LD_ACT_READ, ld_page_node},
    {"GET", "/node/users", 0, LD_ACT_ADMIN, ld_page_users},
    {"POST", "/node/users", 0, LD_ACT_ADMIN, ld_page_users_post},
    {"GET", "/node/children", 0, LD_ACT_ADMIN, ld_page_children},
    {"POST", "/node/children", 0, LD_ACT_ADMIN, ld_page_children_post},
};

const struct ld_route *
ld_route_find(const char *method, const char *path, const char **rest)
{
	*rest = "";
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct ld_route *r = &routes[i];
		if (strcmp(r->method, method) != 0)
			continue;
		if (r->flags & LD_ROUTE_PREFIX) {
			size_t n = strlen(r->path);
			if (strncmp(path, r->path, n) == 0 && path[n] != '\0') {
				*rest = path + n;
				return r;
			}
		} else if (strcmp(path, r->path) == 0) {
			return r;
		}
	}
	return NULL;
}
