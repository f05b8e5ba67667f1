/* pages_login.c — logging in and out: the login form (its CSRF token bound
 * to a cookie of its own), the password check through the throttle and
 * lockout of session.c, the session cookie. */
#include "accounts.h"
#include "pages.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define LOGIN_COOKIE "ld_login"
#define SESSION_COOKIE "ld_session"

/* The form, with an error beside the field it is about ("user",
 * "password" or NULL for one above the form). */
static void
form(struct ld_web_req *rq, unsigned status, const char *user,
     const char *err_field, const char *err)
{
	char csrf[LD_TOKEN_HEX];
	ld_token_random(csrf);
	ld_web_set_cookie(rq, LOGIN_COOKIE, csrf, 3600);
	struct ld_page p;
	ld_web_page(rq, &p, "登录", LD_NAV_NONE);
	p.user = NULL; /* no nav on the login page */
	struct ld_buf b = {0};
	ld_page_begin(&b, &p);
	if (err != NULL && err_field == NULL)
		ld_html_f(&b, "<p class=\"error\" role=\"alert\">%s</p>\n", err);
	ld_html_f(&b,
	          "<form class=\"login\" method=\"post\" action=\"/login\">\n"
	          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
	          "<label for=\"user\">用户名</label>\n"
	          "<input id=\"user\" name=\"user\" value=\"%s\" "
	          "autocomplete=\"username\" required maxlength=\"64\">\n",
	          csrf, user != NULL ? user : "");
	if (err != NULL && err_field != NULL && strcmp(err_field, "user") == 0)
		ld_html_f(&b, "<p class=\"field-error\">%s</p>\n", err);
	ld_html_f(&b, "<label for=\"password\">密码</label>\n"
	          "<input id=\"password\" name=\"password\" type=\"password\" "
	          "autocomplete=\"current-password\" required>\n");
	if (err != NULL && err_field != NULL &&
	    strcmp(err_field, "password") == 0)
		ld_html_f(&b, "<p class=\"field-error\">%s</p>\n", err);
	ld_html_f(&b, "<button type=\"submit\">登录</button>\n</form>\n");
	ld_page_end(&b);
	ld_web_html(rq, status, &b);
}

void
ld_page_login_form(struct ld_web_req *rq)
{
	if (rq->logged_in) {
		ld_web_redirect(rq, "/");
		return;
	}
	form(rq, 200, NULL, NULL, NULL);
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static void
locked(struct ld_web_req *rq, const char *user, unsigned left_s)
{
	char msg[128];
	snprintf(msg, sizeof(msg), "账户已锁定，请 %u 分钟后再试。",
	         (left_s + 59) / 60);
	form(rq, 429, user, NULL, msg);
}

void
ld_page_login(struct ld_web_req *rq)
{
	const char *user = ld_web_form(rq, "user");
	const char *pw = ld_web_form(rq, "password");
	if (!ld_csrf_equal(ld_web_form(rq, "csrf"),
	                   ld_web_cookie(rq, LOGIN_COOKIE))) {
		form(rq, 403, user, NULL,
		     "登录表单已失效，请重新输入后提交（浏览器需允许 Cookie）。");
		return;
	}
	if (user == NULL || user[0] == '\0') {
		form(rq, 400, user, "user", "请输入用户名。");
		return;
	}
	if (pw == NULL || pw[0] == '\0') {
		form(rq, 400, user, "password", "请输入密码。");
		return;
	}
	struct ld_sessions *s = ld_web_sessions(rq);
	unsigned left;
	if (ld_login_allowed(s, user, &left) != 0) {
		locked(rq, user, left);
		return;
	}
	struct ld_user u;
	if (!ld_accounts_check(ld_web_accounts(rq), user, pw, &u)) {
		bool now_locked;
		unsigned delay = ld_login_failed(s, user, &now_locked);
		sleep_ms(delay);
		if (now_locked)
			locked(rq, user, LD_LOGIN_LOCK_S);
		else
			form(rq, 401, user, "password", "用户名或密码不正确。");
		return;
	}
	ld_login_ok(s, u.name);
	/* A new session on every login: a token set before cannot ride it. */
	if (rq->logged_in)
		ld_session_end(s, rq->token);
	char token[LD_TOKEN_HEX];
	struct ld_session sess;
	ld_session_create(s, u.name, token, &sess);
	ld_web_set_cookie(rq, SESSION_COOKIE, token, -1);
	ld_web_set_cookie(rq, LOGIN_COOKIE, "", 0);
	sodium_memzero(token, sizeof(token));
	sodium_memzero(&u, sizeof(u));
	ld_web_redirect(rq, "/");
}

void
ld_page_logout(struct ld_web_req *rq)
{
	ld_session_end(ld_web_sessions(rq), rq->token);
	ld_web_set_cookie(rq, SESSION_COOKIE, "", 0);
	ld_web_redirect(rq, "/login");
}
