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
    {"GET", "/surveys", 0, LD_ACT_READ, ld_page_surveys},
    {"GET", "/plans", 0, LD_ACT_READ, ld_page_plans},
    {"GET", "/proposals", 0, LD_ACT_READ, ld_page_proposals},
    {"GET", "/members", 0, LD_ACT_READ, ld_page_members},
    {"GET", "/opinions", 0, LD_ACT_READ, ld_page_opinions},
    /* The forms (pages_edit.c, pages_result.c): before "/r/", whose
     * page answers any other rest. */
    {"GET", "/tasks/new", 0, LD_ACT_WRITE, ld_page_task_new},
    {"POST", "/tasks/new", 0, LD_ACT_WRITE, ld_page_task_new},
    {"GET", "/surveys/new", 0, LD_ACT_WRITE, ld_page_survey_new},
    {"POST", "/surveys/new", 0, LD_ACT_WRITE, ld_page_survey_new},
    {"GET", "/plans/new", 0, LD_ACT_WRITE, ld_page_plan_new},
    {"POST", "/plans/new", 0, LD_ACT_WRITE, ld_page_plan_new},
    {"GET", "/proposals/progress", 0, LD_ACT_READ, ld_page_proposals_progress},
    {"GET", "/proposals/new", 0, LD_ACT_WRITE, ld_page_proposal_new},
    {"POST", "/proposals/new", 0, LD_ACT_WRITE, ld_page_proposal_new},
    {"GET", "/opinions/new", 0, LD_ACT_WRITE, ld_page_opinion_new},
    {"POST", "/opinions/new", 0, LD_ACT_WRITE, ld_page_opinion_new},
    {"GET", "/members/new", 0, LD_ACT_WRITE, ld_page_member_new},
    {"POST", "/members/new", 0, LD_ACT_WRITE, ld_page_member_new},
    {"GET", "/duties/new", 0, LD_ACT_WRITE, ld_page_duty_new},
    {"POST", "/duties/new", 0, LD_ACT_WRITE, ld_page_duty_new},
    {"GET", "/r/", LD_ROUTE_PREFIX, LD_ACT_WRITE, ld_page_edit, "/edit"},
    {"POST", "/r/", LD_ROUTE_PREFIX, LD_ACT_WRITE, ld_page_edit, "/edit"},
    {"POST", "/r/", LD_ROUTE_PREFIX, LD_ACT_WRITE, ld_page_status, "/status"},
    {"POST", "/r/", LD_ROUTE_PREFIX, LD_ACT_WRITE, ld_page_opinion_act,
     "/opinion"},
    {"GET", "/r/", LD_ROUTE_PREFIX, LD_ACT_WRITE, ld_page_result, "/result"},
    {"POST", "/r/", LD_ROUTE_PREFIX, LD_ACT_WRITE, ld_page_result, "/result"},
    {"GET", "/r/", LD_ROUTE_PREFIX, LD_ACT_REVIEW, ld_page_review, "/review"},
    {"POST", "/r/", LD_ROUTE_PREFIX, LD_ACT_REVIEW, ld_page_review, "/review"},
    {"GET", "/r/", LD_ROUTE_PREFIX, LD_ACT_READ, ld_page_download, "/a/#"},
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
    /* After /tasks/new, which it would take. */
    {"GET", "/tasks/", LD_ROUTE_PREFIX, LD_ACT_READ, ld_page_task_sub},
};

/* Does `rest` (what follows a prefix) end with `suffix` after something? */
static bool
suffix_ok(const char *rest, const char *suffix)
{
	size_t n = strlen(rest), sn = strlen(suffix);
	if (sn > 0 && suffix[sn - 1] == '#') {
		size_t d = 0;
		while (d < n && rest[n - 1 - d] >= '0' && rest[n - 1 - d] <= '9')
			d++;
		if (d == 0 || d > 9)
			return false;
		n -= d;
		sn--;
	}
	return n > sn && strncmp(rest + n - sn, suffix, sn) == 0;
}

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
			if (strncmp(path, r->path, n) == 0 && path[n] != '\0' &&
			    (r->suffix == NULL || suffix_ok(path + n, r->suffix))) {
				*rest = path + n;
				return r;
			}
		} else if (strcmp(path, r->path) == 0) {
			return r;
		}
	}
	return NULL;
}
