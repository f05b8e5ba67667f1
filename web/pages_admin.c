/* pages_admin.c — administration (administrators only; routes.c): the
 * office's people (/node/users: add, change a password or a role,
 * remove) and the allow-list of child nodes (/node/children: enrol,
 * remove, then the node reloads it). Users are edited as `liandong user`
 * edits them — a load-modify-save under the users.lock flock
 * (core/users.h) — and the allow-list by the same ld_keylist_edit as
 * `liandong child` (core/allow.h). A mistake is one line in Chinese
 * beside its field, and nothing is written. */
#include "allow.h"
#include "err.h"
#include "keys.h"
#include "pages.h"
#include "users.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a form said wrong, to show beside one of its fields. */
struct mistake {
	const char *op;    /* the form: add, passwd, role, remove */
	const char *who;   /* the account or child it was about ("" = add) */
	const char *field; /* name, role, password, password2, path, key */
	char msg[600];
};

static void say(struct mistake *m, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct mistake *m, const char *field, const char *fmt, ...)
{
	m->field = field;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->msg, sizeof(m->msg), fmt, ap);
	va_end(ap);
}

/* The message beside `field` of form `op` about `who`, if that is where
 * the mistake is. */
static void
beside(struct ld_buf *b, const struct mistake *m, const char *op,
       const char *who, const char *field)
{
	if (m == NULL || m->field == NULL || strcmp(m->op, op) != 0 ||
	    strcmp(m->who, who) != 0 || strcmp(m->field, field) != 0)
		return;
	ld_html_f(b, "<p class=\"field-error\">%s</p>", m->msg);
}

static void
csrf_field(struct ld_web_req *rq, struct ld_buf *b)
{
	ld_html_f(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
	          rq->sess.csrf);
}

static void
role_select(struct ld_buf *b, int selected)
{
	ld_buf_puts(b, "<select name=\"role\">");
	for (int r = 0; r < LD_ROLE_COUNT; r++)
		ld_html_f(b, "<option value=\"%s\"%r>%s</option>",
		          ld_role_name((enum ld_role)r),
		          r == selected ? " selected" : "",
		          ld_role_label((enum ld_role)r));
	ld_buf_puts(b, "</select>");
}

/* The confirmation after a change, from the redirect's query. */
static void
done_line(struct ld_web_req *rq, struct ld_buf *b)
{
	const char *ok = ld_web_arg(rq, "ok"), *who = ld_web_arg(rq, "who");
	static const struct {
		const char *code, *text;
	} done[] = {
	    {"added", "已添加用户"},     {"passwd", "已修改密码："},
	    {"role", "已修改角色："},    {"removed", "已删除用户"},
	    {"enrolled", "已登记下级节点"}, {"rekeyed", "已更换下级节点的公钥："},
	    {"unenrolled", "已移除下级节点"},
	};
	for (size_t i = 0; ok != NULL && i < sizeof(done) / sizeof(done[0]);
	     i++)
		if (strcmp(ok, done[i].code) == 0)
			ld_html_f(b, "<p class=\"done\">%s %s</p>\n", done[i].text,
			          who != NULL ? who : "");
}

/* ------------------------------------------------------------ people */

static void
users_page(struct ld_web_req *rq, unsigned status, const struct mistake *m)
{
	const char *dir = ld_web_config(rq)->dir;
	char err[1024];
	struct ld_user *u = NULL;
	size_t n = 0;
	if (ld_users_load(dir, &u, &n, err, sizeof(err)) != 0) {
		char msg[1200];
		snprintf(msg, sizeof(msg), "无法读取用户文件：%s", err);
		ld_web_error(rq, 500, msg);
		return;
	}
	struct ld_page pg;
	ld_web_page(rq, &pg, "用户管理", LD_NAV_NODES);
	struct ld_buf b = {0};
	ld_page_begin(&b, &pg);
	ld_buf_puts(&b, "<p><a href=\"/node\">节点</a> · <a href=\"/node/"
	            "children\">下级节点准入</a></p>\n");
	done_line(rq, &b);
	if (m != NULL && m->field != NULL && strcmp(m->field, "form") == 0)
		ld_html_f(&b, "<p class=\"error\">%s</p>\n", m->msg);
	ld_buf_puts(&b, "<div class=\"scroll\"><table class=\"users\">\n<thead>"
	            "<tr><th>用户名</th><th>角色</th><th>修改密码</th>"
	            "<th>修改角色</th><th>删除</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const char *nm = u[i].name;
		bool me = strcmp(nm, rq->sess.user) == 0;
		ld_html_f(&b, "<tr data-user=\"%s\"><td>%s%r</td><td>%s</td><td>",
		          nm, nm, me ? " <span class=\"muted\">（本人）</span>" : "",
		          ld_role_label(u[i].role));
		/* Change the password. */
		ld_buf_puts(&b, "<form class=\"row\" method=\"post\" "
		            "action=\"/node/users\">");
		csrf_field(rq, &b);
		ld_html_f(&b, "<input type=\"hidden\" name=\"op\" value=\"passwd\">"
		          "<input type=\"hidden\" name=\"name\" value=\"%s\">"
		          "<label>新密码<input type=\"password\" name=\"password\" "
		          "autocomplete=\"new-password\"></label>", nm);
		beside(&b, m, "passwd", nm, "password");
		ld_buf_puts(&b, "<label>再输一次<input type=\"password\" "
		            "name=\"password2\" autocomplete=\"new-password\">"
		            "</label>");
		beside(&b, m, "passwd", nm, "password2");
		ld_buf_puts(&b, "<button type=\"submit\">修改密码</button></form>"
		            "</td><td>");
		/* Change the role. */
		ld_buf_puts(&b, "<form class=\"row\" method=\"post\" "
		            "action=\"/node/users\">");
		csrf_field(rq, &b);
		ld_html_f(&b, "<input type=\"hidden\" name=\"op\" value=\"role\">"
		          "<input type=\"hidden\" name=\"name\" value=\"%s\">", nm);
		role_select(&b, (int)u[i].role);
		beside(&b, m, "role", nm, "role");
		ld_buf_puts(&b, "<button type=\"submit\">修改角色</button></form>"
		            "</td><td>");
		/* Remove. */
		if (me) {
			ld_buf_puts(&b, "<span class=\"muted\">不能删除自己</span>");
			beside(&b, m, "remove", nm, "name");
		} else {
			ld_buf_puts(&b, "<form class=\"row\" method=\"post\" "
			            "action=\"/node/users\">");
			csrf_field(rq, &b);
			ld_html_f(&b, "<input type=\"hidden\" name=\"op\" "
			          "value=\"remove\"><input type=\"hidden\" "
			          "name=\"name\" value=\"%s\"><button type=\"submit\">"
			          "删除</button>", nm);
			beside(&b, m, "remove", nm, "name");
			ld_buf_puts(&b, "</form>");
		}
		ld_buf_puts(&b, "</td></tr>\n");
	}
	ld_buf_puts(&b, "</tbody></table></div>\n");
	/* Add. */
	const char *nname = m != NULL && strcmp(m->op, "add") == 0
	                        ? ld_web_form(rq, "name")
	                        : NULL;
	enum ld_role nrole = LD_ROLE_CLERK;
	const char *rs = m != NULL ? ld_web_form(rq, "role") : NULL;
	if (rs != NULL)
		ld_role_parse(rs, &nrole);
	ld_buf_puts(&b, "<h2>添加用户</h2>\n<form class=\"login\" method=\"post\" "
	            "action=\"/node/users\">");
	csrf_field(rq, &b);
	ld_html_f(&b, "<input type=\"hidden\" name=\"op\" value=\"add\">"
	          "<label for=\"nu-name\">用户名</label><input id=\"nu-name\" "
	          "name=\"name\" autocomplete=\"off\" value=\"%s\">",
	          nname != NULL ? nname : "");
	beside(&b, m, "add", "", "name");
	ld_buf_puts(&b, "<label>角色</label>");
	role_select(&b, (int)nrole);
	beside(&b, m, "add", "", "role");
	ld_buf_puts(&b, "<label for=\"nu-pw\">密码（至少 8 个字符）</label>"
	            "<input id=\"nu-pw\" type=\"password\" name=\"password\" "
	            "autocomplete=\"new-password\">");
	beside(&b, m, "add", "", "password");
	ld_buf_puts(&b, "<label for=\"nu-pw2\">再输一次密码</label><input "
	            "id=\"nu-pw2\" type=\"password\" name=\"password2\" "
	            "autocomplete=\"new-password\">");
	beside(&b, m, "add", "", "password2");
	ld_buf_puts(&b, "<button type=\"submit\">添加</button></form>\n");
	ld_page_end(&b);
	sodium_memzero(u, n * sizeof(*u));
	free(u);
	ld_web_html(rq, status, &b);
}

void
ld_page_users(struct ld_web_req *rq)
{
	users_page(rq, 200, NULL);
}

/* The new password of a form, checked and hashed. False with the
 * mistake said. */
static bool
new_hash(struct ld_web_req *rq, struct mistake *m,
         char hash[crypto_pwhash_STRBYTES])
{
	const char *pw = ld_web_form(rq, "password");
	const char *pw2 = ld_web_form(rq, "password2");
	size_t l = pw != NULL ? strlen(pw) : 0;
	if (l < LD_PASSWORD_MIN) {
		say(m, "password", "密码太短：至少 8 个字符。");
		return false;
	}
	if (l > LD_PASSWORD_MAX) {
		say(m, "password", "密码太长：最多 256 字节。");
		return false;
	}
	if (pw2 == NULL || strcmp(pw, pw2) != 0) {
		say(m, "password2", "两次输入的密码不一致。");
		return false;
	}
	char err[256];
	int rc = ld_password_hash(pw, hash, err, sizeof(err));
	if (rc != 0) {
		say(m, "password", "无法使用这个密码：%s", err);
		return false;
	}
	return true;
}

/* Lock, load, change with `edit`, save, unlock: the one way the console
 * writes the users file. `edit` returns false with the mistake said
 * (then nothing is written). */
typedef bool edit_fn(struct ld_web_req *rq, struct ld_user **u, size_t *n,
                     struct mistake *m, void *arg);

static bool
users_edit(struct ld_web_req *rq, struct mistake *m, edit_fn *edit,
           void *arg)
{
	const char *dir = ld_web_config(rq)->dir;
	char err[1024];
	int fd;
	if (ld_users_lock(dir, &fd, err, sizeof(err)) != 0) {
		say(m, "form", "无法锁定用户文件：%s", err);
		return false;
	}
	struct ld_user *u = NULL;
	size_t n = 0;
	bool ok = false;
	if (ld_users_load(dir, &u, &n, err, sizeof(err)) != 0)
		say(m, "form", "无法读取用户文件：%s", err);
	else if (edit(rq, &u, &n, m, arg)) {
		if (ld_users_save(dir, u, n, err, sizeof(err)) != 0)
			say(m, "form", "无法保存用户文件：%s", err);
		else
			ok = true;
	}
	if (u != NULL)
		sodium_memzero(u, n * sizeof(*u));
	free(u);
	ld_users_unlock(&fd);
	return ok;
}

struct change {
	const char *name;
	enum ld_role role;
	char hash[crypto_pwhash_STRBYTES];
};

static long
find_user(struct ld_user *u, size_t n, const char *name, struct mistake *m)
{
	long i = ld_users_find(u, n, name);
	if (i < 0)
		say(m, "form", "没有用户 %s（可能已被删除）。", name);
	return i;
}

static bool
edit_add(struct ld_web_req *rq, struct ld_user **u, size_t *n,
         struct mistake *m, void *arg)
{
	(void)rq;
	struct change *c = arg;
	if (ld_users_find(*u, *n, c->name) >= 0) {
		say(m, "name", "用户 %s 已存在。", c->name);
		return false;
	}
	if (*n >= LD_USERS_MAX) {
		say(m, "name", "一个单位最多 1000 个用户。");
		return false;
	}
	struct ld_user *v = realloc(*u, (*n + 1) * sizeof(*v));
	if (v == NULL) {
		say(m, "form", "内存不足。");
		return false;
	}
	*u = v;
	struct ld_user *nu = &v[(*n)++];
	memset(nu, 0, sizeof(*nu));
	snprintf(nu->name, sizeof(nu->name), "%s", c->name);
	nu->role = c->role;
	memcpy(nu->hash, c->hash, sizeof(nu->hash));
	return true;
}

static bool
edit_passwd(struct ld_web_req *rq, struct ld_user **u, size_t *n,
            struct mistake *m, void *arg)
{
	(void)rq;
	struct change *c = arg;
	long i = find_user(*u, *n, c->name, m);
	if (i < 0)
		return false;
	memcpy((*u)[i].hash, c->hash, sizeof(c->hash));
	return true;
}

static bool
edit_role(struct ld_web_req *rq, struct ld_user **u, size_t *n,
          struct mistake *m, void *arg)
{
	(void)rq;
	struct change *c = arg;
	long i = find_user(*u, *n, c->name, m);
	if (i < 0)
		return false;
	if (!ld_users_keeps_admin(*u, *n, c->name, false, c->role)) {
		say(m, "role", "%s 是最后一位管理员，不能改为其他角色。",
		    c->name);
		return false;
	}
	(*u)[i].role = c->role;
	return true;
}

static bool
edit_remove(struct ld_web_req *rq, struct ld_user **u, size_t *n,
            struct mistake *m, void *arg)
{
	struct change *c = arg;
	if (strcmp(c->name, rq->sess.user) == 0) {
		say(m, "name", "不能删除自己的账户。");
		return false;
	}
	long i = find_user(*u, *n, c->name, m);
	if (i < 0)
		return false;
	if (!ld_users_keeps_admin(*u, *n, c->name, true, LD_ROLE_READER)) {
		say(m, "name", "%s 是最后一位管理员，不能删除。", c->name);
		return false;
	}
	memmove(&(*u)[i], &(*u)[i + 1], (*n - (size_t)i - 1) * sizeof(**u));
	(*n)--;
	return true;
}

void
ld_page_users_post(struct ld_web_req *rq)
{
	const char *op = ld_web_form(rq, "op");
	const char *name = ld_web_form(rq, "name");
	const char *role = ld_web_form(rq, "role");
	struct mistake m = {.op = op != NULL ? op : "", .who = ""};
	struct change c;
	memset(&c, 0, sizeof(c));
	c.name = name != NULL ? name : "";
	bool add = strcmp(m.op, "add") == 0;
	edit_fn *edit = add                            ? edit_add
	                : strcmp(m.op, "passwd") == 0 ? edit_passwd
	                : strcmp(m.op, "role") == 0   ? edit_role
	                : strcmp(m.op, "remove") == 0 ? edit_remove
	                                              : NULL;
	if (!add)
		m.who = c.name;
	const char *why = NULL;
	if (edit == NULL) {
		ld_web_error(rq, 400, "未知的操作。");
		return;
	}
	if (!ld_user_name_valid(c.name, &why)) {
		say(&m, "name", "用户名无效：%s", why);
	} else if ((add || edit == edit_role) &&
	           (role == NULL || ld_role_parse(role, &c.role) != 0)) {
		say(&m, "role", "请选择角色：管理员、经办、审核或查阅。");
	} else if ((add || edit == edit_passwd) && !new_hash(rq, &m, c.hash)) {
		/* said */
	} else if (users_edit(rq, &m, edit, &c)) {
		sodium_memzero(&c, sizeof(c));
		struct ld_buf to = {0};
		ld_html_f(&to, "/node/users?ok=%r&who=%u",
		          add                     ? "added"
		          : edit == edit_passwd   ? "passwd"
		          : edit == edit_role     ? "role"
		                                  : "removed",
		          name);
		ld_web_redirect(rq, to.p != NULL ? to.p : "/node/users");
		ld_buf_free(&to);
		return;
	}
	sodium_memzero(&c, sizeof(c));
	users_page(rq, 400, &m);
}

/* ---------------------------------------------------------- children */

static void
children_page(struct ld_web_req *rq, unsigned status, const struct mistake *m)
{
	const struct ld_config *cfg = ld_web_config(rq);
	char err[1024];
	struct ld_allow al = {0};
	bool listed = ld_keylist_load(LD_KEYLIST_CHILDREN, cfg->dir, cfg->id,
	                              &al, err, sizeof(err)) == 0;
	struct ld_page pg;
	ld_web_page(rq, &pg, "下级节点准入", LD_NAV_NODES);
	struct ld_buf b = {0};
	ld_page_begin(&b, &pg);
	ld_buf_puts(&b, "<p><a href=\"/node\">节点</a> · <a href=\"/node/"
	            "users\">用户管理</a></p>\n");
	done_line(rq, &b);
	if (cfg->insecure)
		ld_buf_puts(&b, "<p class=\"error\">本节点以不安全模式运行：不登记"
		            "下级，路径正确的下级均可连接。</p>\n");
	if (!listed)
		ld_html_f(&b, "<p class=\"error\">无法读取准入名单：%s</p>\n",
		          err);
	if (m != NULL && m->field != NULL && strcmp(m->field, "form") == 0)
		ld_html_f(&b, "<p class=\"error\">%s</p>\n", m->msg);
	ld_html_f(&b, "<p class=\"muted\">只有登记在此的下级（本节点 %s 下一"
	          "级的路径及其公钥）可以连接本节点。</p>\n", cfg->id);
	if (al.n == 0) {
		ld_buf_puts(&b, "<p>尚未登记下级节点。</p>\n");
	} else {
		ld_buf_puts(&b, "<div class=\"scroll\"><table>\n<thead><tr>"
		            "<th>路径</th><th>公钥</th><th>移除</th></tr></thead>\n"
		            "<tbody>\n");
		for (size_t i = 0; i < al.n; i++) {
			char key[LD_KEY_TEXT_MAX];
			ld_allow_key_text(&al.v[i], key);
			ld_html_f(&b, "<tr data-child=\"%s\"><td>%s</td><td><code>"
			          "%s</code></td><td><form class=\"row\" "
			          "method=\"post\" action=\"/node/children\">",
			          al.v[i].path, al.v[i].path, key);
			csrf_field(rq, &b);
			ld_html_f(&b, "<input type=\"hidden\" name=\"op\" "
			          "value=\"remove\"><input type=\"hidden\" "
			          "name=\"path\" value=\"%s\"><button type=\"submit\">"
			          "移除</button>", al.v[i].path);
			beside(&b, m, "remove", al.v[i].path, "path");
			ld_buf_puts(&b, "</form></td></tr>\n");
		}
		ld_buf_puts(&b, "</tbody></table></div>\n");
	}
	ld_allow_free(&al);
	bool again = m != NULL && strcmp(m->op, "add") == 0;
	const char *path = again ? ld_web_form(rq, "path") : NULL;
	const char *key = again ? ld_web_form(rq, "key") : NULL;
	ld_buf_puts(&b, "<h2>登记下级节点</h2>\n<form class=\"login\" "
	            "method=\"post\" action=\"/node/children\">");
	csrf_field(rq, &b);
	ld_html_f(&b, "<input type=\"hidden\" name=\"op\" value=\"add\">"
	          "<label for=\"ch-path\">路径（如 %s/530325）</label>"
	          "<input id=\"ch-path\" name=\"path\" autocomplete=\"off\" "
	          "value=\"%s\">", cfg->id, path != NULL ? path : "");
	beside(&b, m, "add", "", "path");
	ld_html_f(&b, "<label for=\"ch-key\">公钥（下级运行 liandong key show "
	          "所得 ldk1.…）</label><input id=\"ch-key\" name=\"key\" "
	          "autocomplete=\"off\" value=\"%s\">", key != NULL ? key : "");
	beside(&b, m, "add", "", "key");
	ld_buf_puts(&b, "<button type=\"submit\">登记</button></form>\n");
	ld_page_end(&b);
	ld_web_html(rq, status, &b);
}

void
ld_page_children(struct ld_web_req *rq)
{
	children_page(rq, 200, NULL);
}

void
ld_page_children_post(struct ld_web_req *rq)
{
	const struct ld_config *cfg = ld_web_config(rq);
	const char *op = ld_web_form(rq, "op");
	const char *path = ld_web_form(rq, "path");
	const char *key = ld_web_form(rq, "key");
	struct mistake m = {.op = op != NULL ? op : "", .who = ""};
	bool add = strcmp(m.op, "add") == 0;
	if (!add && strcmp(m.op, "remove") != 0) {
		ld_web_error(rq, 400, "未知的操作。");
		return;
	}
	if (path == NULL)
		path = "";
	if (!add)
		m.who = path;
	if (add && (key == NULL || key[0] == '\0')) {
		say(&m, "key", "请填写下级节点的公钥。");
		children_page(rq, 400, &m);
		return;
	}
	char err[1024];
	bool had;
	enum ld_keylist_err e =
	    ld_keylist_edit(LD_KEYLIST_CHILDREN, cfg->dir, cfg->id,
	                    cfg->insecure, path, add ? key : NULL, &had, err,
	                    sizeof(err));
	switch (e) {
	case LD_KL_OK:
		break;
	case LD_KL_BAD_NAME:
		say(&m, "path", "路径无效：%s", err);
		break;
	case LD_KL_BAD_KEY:
		say(&m, "key", "公钥无效：%s", err);
		break;
	case LD_KL_INSECURE:
		say(&m, "form", "本节点以不安全模式运行，不登记下级。");
		break;
	case LD_KL_NOT_CHILD:
		say(&m, "path", "%s 不是本节点的直接下级（应为本节点路径加一段）。",
		    path);
		break;
	case LD_KL_KEY_TAKEN:
		say(&m, "key", "此公钥已登记给其他下级：%s", err);
		break;
	case LD_KL_ABSENT:
		say(&m, "path", "%s 未登记。", path);
		break;
	case LD_KL_IO:
		say(&m, "form", "无法保存准入名单：%s", err);
		break;
	}
	if (e != LD_KL_OK) {
		children_page(rq, 400, &m);
		return;
	}
	/* The node reads the list again; if it does not answer it reads the
	 * list when it starts. */
	Ld__ReloadRequest rl = LD__RELOAD_REQUEST__INIT;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_RELOAD;
	req.reload = &rl;
	Ld__Response *resp = NULL;
	char cerr[512];
	if (ld_web_call(rq, &req, &resp, cerr, sizeof(cerr)) == 0)
		ld__response__free_unpacked(resp, NULL);
	struct ld_buf to = {0};
	ld_html_f(&to, "/node/children?ok=%r&who=%u",
	          !add ? "unenrolled" : had ? "rekeyed" : "enrolled", path);
	ld_web_redirect(rq, to.p != NULL ? to.p : "/node/children");
	ld_buf_free(&to);
}
