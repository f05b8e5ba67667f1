/* pages.h — the console's page handlers (one pages_*.c per area); routes.c
 * maps paths to them. Each reads the request and sets the response
 * (server.h). */
#ifndef LD_PAGES_H
#define LD_PAGES_H

#include "server.h"

/* pages_login.c */
void ld_page_login_form(struct ld_web_req *rq);  /* GET /login */
void ld_page_login(struct ld_web_req *rq);       /* POST /login */
void ld_page_logout(struct ld_web_req *rq);      /* POST /logout */

/* pages_home.c */
void ld_page_home(struct ld_web_req *rq);        /* GET / 工作台 */

/* pages_records.c */
void ld_page_tasks(struct ld_web_req *rq);       /* GET /tasks */
void ld_page_surveys(struct ld_web_req *rq);     /* GET /surveys */
void ld_page_plans(struct ld_web_req *rq);       /* GET /plans */
void ld_page_proposals(struct ld_web_req *rq);   /* GET /proposals */
void ld_page_members(struct ld_web_req *rq);     /* GET /members */
void ld_page_opinions(struct ld_web_req *rq);    /* GET /opinions 社情民意 */
void ld_page_record(struct ld_web_req *rq);      /* GET /r/ID */

/* pages_progress.c */
void ld_page_task_sub(struct ld_web_req *rq);    /* GET /tasks/ID/progress */
/* GET /proposals/progress */
void ld_page_proposals_progress(struct ld_web_req *rq);

/* pages_api.c: the JSON API, /api/v1/... (docs/http-api.md) */
void ld_api_get(struct ld_web_req *rq);          /* GET /api/v1/... */
void ld_api_post(struct ld_web_req *rq);         /* POST /api/v1/records */
void ld_api_put(struct ld_web_req *rq);          /* PUT /api/v1/records/ID */
void ld_api_delete(struct ld_web_req *rq);       /* DELETE /api/v1/records/ID */
/* pages_reports.c */
void ld_page_reports(struct ld_web_req *rq);     /* GET /reports 报表 */
void ld_page_report_view(struct ld_web_req *rq); /* GET /reports/view */
void ld_page_report_run(struct ld_web_req *rq);  /* GET /reports/run/N.F */
void ld_page_report_published(struct ld_web_req *rq); /* /reports/p/ID */

/* pages_stats.c */
void ld_page_stats(struct ld_web_req *rq);       /* GET /stats 年度统计 */

/* pages_node.c */
void ld_page_node(struct ld_web_req *rq);        /* GET /node 节点 */

/* pages_admin.c */
void ld_page_users(struct ld_web_req *rq);       /* GET /node/users */
void ld_page_users_post(struct ld_web_req *rq);  /* POST /node/users */
void ld_page_children(struct ld_web_req *rq);    /* GET /node/children */
void ld_page_children_post(struct ld_web_req *rq); /* POST /node/children */

/* pages_edit.c: the forms that add and change records */
void ld_page_task_new(struct ld_web_req *rq);     /* GET/POST /tasks/new[?parent=ID] */
void ld_page_survey_new(struct ld_web_req *rq);   /* GET/POST /surveys/new */
void ld_page_plan_new(struct ld_web_req *rq);     /* GET/POST /plans/new */
void ld_page_proposal_new(struct ld_web_req *rq); /* GET/POST /proposals/new */
void ld_page_opinion_new(struct ld_web_req *rq);  /* GET/POST /opinions/new */
void ld_page_member_new(struct ld_web_req *rq);   /* GET/POST /members/new */
void ld_page_duty_new(struct ld_web_req *rq);     /* GET/POST /duties/new */
void ld_page_edit(struct ld_web_req *rq);         /* GET/POST /r/ID/edit */
void ld_page_status(struct ld_web_req *rq);       /* POST /r/ID/status */
/* POST /r/ID/opinion: 采用 / 报送 / 批示 of an opinion from below. */
void ld_page_opinion_act(struct ld_web_req *rq);
/* The actions the person may take on record `r`, for its page. */
void ld_page_record_actions(struct ld_web_req *rq, struct ld_buf *b,
                            const Ld__Record *r);

/* pages_result.c: results, their attachments, reviews */
void ld_page_result(struct ld_web_req *rq);       /* GET/POST /r/ID/result */
void ld_page_download(struct ld_web_req *rq);     /* GET /r/ID/a/N */
void ld_page_review(struct ld_web_req *rq);       /* GET/POST /r/ID/review */

/* static.c */
void ld_page_css(struct ld_web_req *rq);         /* GET /static/app.css */

#endif
