#!/usr/bin/python3
# test_attacks.py — what the console refuses, seen in a real browser:
# every field of the task, result and review forms refused with the
# message the CLI gives for the same value and nothing written; text with
# <script> and quotes shown as text on every page (no script runs: the
# CSP allows none); a POST without its CSRF token refused; a reader
# cannot write, a clerk cannot review or add people, an office cannot
# edit another's record; a path outside the attachment store refused; an
# upload over 16 MiB refused with a clear message and nothing kept; ten
# wrong passwords lock the account and say so.
#   test_attacks.py BUILD_DIR      (exit 77 = skipped, with the reason)
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ldbrowser as lb  # noqa: E402

# Text that would run if any page put it in the markup as it is.
XSS = ("督办<script>window.__ld_xss=1</script>\"'"
       "<img src=x onerror=\"window.__ld_xss=1\">&amp;")

FORBIDDEN = "您的角色无权进行此操作。"
STALE_FORM = "表单已失效"
LOCKED = "账户已锁定，请 15 分钟后再试。"
WRONG = "用户名或密码不正确。"


def cli_reason(r):
    """The CLI's refusal without its 'liandong: ' or 'liandong task add: '
    prefix and the pointer to --help."""
    msg = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    msg = re.sub(r"^liandong( [a-z ]+)?: ", "", msg)
    return re.sub(r" \(see 'liandong [^']*'\)$", "", msg)


def shown_as_text(b, f, where):
    """XSS is on the page as text, no script element came from it, and
    the markers never ran."""
    f.check(XSS in b.text("main"), "%s: the text with <script> and quotes "
            "is shown as it is" % where)
    f.check(not b.has("main script") and not b.has("main img"),
            "%s: no <script> or <img> element made from it" % where)
    f.check(not b.scripts_ran(), "%s: nothing in it ran" % where)


def test(t, f):
    ids = t.ids
    for v in ("P", "C1", "X12", "X21"):
        t.web(v)
    t.user("P", "王敏", "clerk")
    t.user("P", "李阅", "reader")
    t.user("P", "锁定者", "clerk")
    t.user("C1", "陈审", "reviewer")
    t.user("C1", "刘办", "clerk")
    t.user("X12", "周办", "clerk")
    t.user("X21", "岐办", "clerk")

    # Records to act on, written with the CLI (this test is about what
    # the pages refuse, not the story).
    r = t.cli("P", "task", "add", "--topic", "秦岭生态环境保护三级联动民主监督",
              "--form", "监督性视察", "--scope", ids["C1"], "--scope",
              ids["C2"], "--due", lb.today(30))
    f.check(r.returncode == 0, "setup: the province's task")
    task = r.stdout.strip()
    t.wait("C1", task)
    r = t.cli("C1", "task", "add", "--parent-task", task, "--topic",
              "秦岭北麓违建整治监督", "--form", "监督性视察", "--scope",
              ids["X11"], "--scope", ids["X12"], "--due", lb.today(20))
    sub = r.stdout.strip()
    t.wait("X12", sub)
    t.wait("C2", task)
    r = t.cli("C2", "task", "add", "--parent-task", task, "--topic",
              "秦岭西段水源地保护监督", "--form", "明查暗访", "--scope",
              ids["X21"], "--scope", ids["X22"], "--due", lb.today(-3))
    sub2 = r.stdout.strip()
    t.wait("X21", sub2)
    r = t.cli("X12", "result", "add", "--ref", sub, "--summary", "排查完成")
    res12 = r.stdout.strip()
    t.wait("C1", res12)
    t.wait("P", res12)

    f.section("lockout", lockout, t, f)
    clerk = t.browser("P", "王敏")
    f.section("form fields", fields, t, f, clerk, sub, res12)
    f.section("escaping", escaping, t, f, clerk, task, sub)
    f.section("CSRF", csrf, t, f, clerk)
    f.section("roles and offices", roles, t, f, clerk, res12)
    f.section("attachments", attachments, t, f, sub2)


def store_bytes(t, var):
    """The disk the office's store takes (allocated, not its size)."""
    st = os.stat(os.path.join(t.dirs[var], "store", "data.mdb"))
    return st.st_blocks * 512


def multipart(fields, files):
    """A multipart/form-data body: (bytes, content type)."""
    bnd = "----ldbrowser%d" % os.getpid()
    out = []
    for k, v in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n%s\r\n" % (bnd, k, v)).encode())
    for k, name, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                    "filename=\"%s\"\r\nContent-Type: text/plain\r\n\r\n"
                    % (bnd, k, name)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % bnd).encode())
    return b"".join(out), "multipart/form-data; boundary=" + bnd


def counts(t, var):
    return {k: len(t.records(var, k)) for k in ("task", "result", "review")}


def lockout(t, f):
    """Ten wrong passwords in a row lock the name, and the page says so;
    then even the right password is refused."""
    b = t.browser("P")
    b.login("没有这个人", "wrong-password", expect_ok=False)
    f.check(b.path == "/login" and WRONG in b.text("form.login"),
            "an unknown name: 用户名或密码不正确 beside the password")
    for i in range(1, 11):
        b.login("锁定者", "wrong-%d-password" % i, expect_ok=False)
        shown = b.text("main")
        if i < 10:
            if not f.check(WRONG in shown and LOCKED not in shown,
                           "wrong password %d: %s" % (i, WRONG)):
                break
    f.check(LOCKED in shown, "the 10th wrong password: " + LOCKED)
    b.login("锁定者", lb.PASSWORD, expect_ok=False)
    f.check(b.path == "/login" and LOCKED in b.text("main") and
            b.cookie("ld_session") is None,
            "the right password while locked: still refused, " + LOCKED)


def same_message(got, want):
    """Does the page's refusal carry the CLI's words? The page shows a
    Chinese sentence and, under it, the node's English line; the CLI
    prints that line (after 'liandong: '). For a value left empty the
    CLI refuses before asking the node, in its own usage words
    ('--topic is required'), where the node says 'topic: required':
    the same field and the same reason, worded for the command line."""
    if got is None or not want:
        return False
    if want in got:
        return True
    m = re.match(r"^(?:at least one )?--(\w+)(?: [A-Z]+)? is required$",
                 want)
    return m is not None and re.search(
        r"(^|\n)%s: (required|at least one)" % m.group(1), got) is not None


def force(b, name, value):
    """Send a value the control does not offer, as a forged form would:
    a select gets it as an extra option; a checkbox group gets its first
    box carrying it (others unticked); None unticks every box."""
    el = b.field(name)
    if el.tag_name.lower() == "select":
        b.d.execute_script(
            "const o = document.createElement('option');"
            "o.value = o.text = arguments[1];"
            "arguments[0].add(o); arguments[0].value = arguments[1];",
            el, value)
    else:
        b.d.execute_script(
            "const bs = arguments[0].querySelectorAll('input');"
            "bs.forEach(x => x.checked = false);"
            "if (arguments[1] !== null) {"
            "  bs[0].value = arguments[1]; bs[0].checked = true; }",
            el, value)


def cli_args(cmd, opts, override):
    """cmd and --OPTION VALUE for each of opts, override's replacing
    theirs (a list value repeats the option; None leaves it out)."""
    o = dict(opts)
    o.update(override)
    args = list(cmd)
    for k, v in o.items():
        for x in (v if isinstance(v, list) else [v] if v is not None
                  else []):
            args += ["--" + k, x]
    return args


def refusals(t, f, b, var, what, path, good, cases, cmd, opts):
    """Each case (field, value, forged, the CLI's options for it) on the
    form at path, the rest of it good: the page refuses it beside the
    field with the CLI's words for the same value (cmd with opts and the
    case's); nothing is written."""
    before = counts(t, var)
    for field, value, forged, args in cases:
        b.go(path)
        if not f.check(b.has("#submit"), "%s: the form is there" % what):
            return
        b.unset_required()
        for k, v in good.items():
            if k != field:
                b.fill(k, v)
        if forged:
            force(b, field, value)
        else:
            b.fill(field, value)
        b.submit()
        want = cli_reason(t.cli(var, *cli_args(cmd, opts, args)))
        got = b.error(field)
        f.check(b.has("#submit") and same_message(got, want),
                "%s %s=%r refused beside the field: page %r, CLI %r" %
                (what, field, value, got, want))
    f.check(counts(t, var) == before, "%s: nothing written by the "
            "refused forms" % what)


def fields(t, f, clerk, sub, res12):
    """Every field of the task, result and review forms."""
    ids = t.ids
    due = lb.today(10)
    refusals(t, f, clerk, "P", "新建督办任务", "/tasks/new",
             {"topic": "有效的题目", "form": "监督性视察",
              "scope": [ids["C1"]], "due": due},
             [("topic", "", False, {"topic": ""}),
              ("form", "乱写", True, {"form": "乱写"}),
              ("due", "2026-02-30", False, {"due": "2026-02-30"}),
              ("due", "明天", False, {"due": "明天"}),
              ("scope", None, True, {"scope": None}),
              ("scope", "999", True, {"scope": "999"})],
             ["task", "add"], {"topic": "有效的题目", "form": "监督性视察",
                               "scope": ids["C1"], "due": due})
    zb = t.person("X12", "周办")
    refusals(t, f, zb, "X12", "报送成果", "/r/%s/result" % sub,
             {"summary": "排查完成"},
             [("summary", "", False, {"summary": ""}),
              ("metric", "违建=很多", False, {"metric": "违建=很多"}),
              ("metric", "=5", False, {"metric": "=5"})],
             ["result", "add"], {"ref": sub, "summary": "排查完成"})
    rb = t.person("C1", "陈审")
    refusals(t, f, rb, "C1", "审核", "/r/%s/review" % res12,
             {"verdict": "accepted"},
             [("verdict", "乱写", True, {"verdict": "乱写"}),
              ("verdict", "", False, {"verdict": None})],
             ["review", "add"], {"ref": res12, "verdict": "accepted"})


def escaping(t, f, b, task, sub):
    """XSS typed into the forms is shown as text on every page."""
    b.go("/tasks/new")
    b.fill("topic", XSS).fill("form", "监督性视察")
    b.fill("scope", [t.ids["C1"]]).fill("due", lb.today(15))
    b.submit()
    m = re.match(r"^/r/(.+)$", b.path)
    if not f.check(m is not None, "a task with <script> in its topic is "
                   "published (%s)" % b.path):
        return
    xid = urllib.parse.unquote(m.group(1))
    shown_as_text(b, f, "its page /r/ID")
    b.go("/tasks")
    shown_as_text(b, f, "/tasks")
    b.go("/tasks?q=" + urllib.parse.quote(XSS))
    f.check(not b.scripts_ran(), "/tasks?q=<script>: nothing ran")
    b.go("/tasks/%s/progress" % xid)
    shown_as_text(b, f, "its progress page")
    t.wait("C1", xid)
    c = t.person("C1", "刘办")
    c.go("/")
    shown_as_text(c, f, "西安's 工作台")
    f.check(len(b.all("script")) == 0 and len(c.all("script")) == 0,
            "no page has a <script> element at all")

    # In a result's summary and a review's comment, through their forms.
    zb = t.person("X12", "周办")
    zb.go("/r/%s/result" % sub)
    zb.fill("summary", XSS).submit()
    m = re.match(r"^/r/(.+)$", zb.path)
    if not f.check(m is not None and m.group(1) != sub,
                   "周至 reports with <script> in its summary"):
        return
    res = urllib.parse.unquote(m.group(1))
    shown_as_text(zb, f, "the result's page at 周至")
    t.wait("C1", res)
    rb = t.person("C1", "陈审")
    rb.go("/r/%s/review" % res)
    rb.fill("verdict", "returned").fill("comment", XSS).submit()
    shown_as_text(rb, f, "the result's page at 西安, with its review")
    rb.go("/")
    f.check(not rb.scripts_ran(), "西安's 工作台 (reviewer): nothing ran")
    rv = [x for x in t.records("C1", "review")]
    for x in rv:
        t.wait("X12", x)
    zb.go("/")
    shown_as_text(zb, f, "周至's 工作台 (the 退回意见)")


def csrf(t, f, b):
    """A POST whose CSRF token is missing or not the session's: 403."""
    before = counts(t, "P")
    for how in ("missing", "another"):
        b.go("/tasks/new")
        b.fill("topic", "没有校验码的任务").fill("form", "监督性视察")
        b.fill("scope", [t.ids["C1"]]).fill("due", lb.today(10))
        if how == "missing":
            b.d.execute_script(
                "document.querySelectorAll('input[name=csrf]')"
                ".forEach(e => e.remove())")
        else:
            b.d.execute_script(
                "document.querySelectorAll('input[name=csrf]')"
                ".forEach(e => e.value = '0'.repeat(64))")
        b.submit()
        f.check(b.title.startswith("无权访问") and
                STALE_FORM in b.text("main"),
                "CSRF token %s: 403 无权访问, %s" % (how, STALE_FORM))
    f.check(counts(t, "P") == before, "nothing written without the token")


def roles(t, f, clerk, res12):
    """A reader cannot write; a clerk cannot review or add people; an
    office cannot change another's record."""
    before = counts(t, "P")
    rd = t.browser("P", "李阅")
    rd.go("/tasks/new")
    f.check(rd.title.startswith("无权访问") and FORBIDDEN in rd.text("main"),
            "a reader opening 新建任务: 403 " + FORBIDDEN)
    f.check(not rd.has("#submit"), "a reader sees no task form")
    # The reader forges the POST with its own session and CSRF token.
    rd.go("/")
    tok = rd.one("form.logout input[name=csrf]").get_attribute("value")
    body = urllib.parse.urlencode({
        "csrf": tok, "topic": "读者写的任务", "form": "监督性视察",
        "scope": t.ids["C1"], "due": lb.today(10)})
    r = t.http("P", "POST", "/tasks/new", body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "ld_session=" + rd.cookie("ld_session")})
    f.check(r.status == 403 and FORBIDDEN in r.text,
            "a reader's forged POST /tasks/new: 403 " + FORBIDDEN)
    # A clerk reviewing a result: not a clerk's to do.
    clerk.go("/r/%s/review" % res12)
    f.check(clerk.title.startswith("无权访问"),
            "a clerk opening the review form: 403 无权访问")
    # A clerk adding people: an administrator's.
    clerk.go("/node/users")
    f.check(clerk.title.startswith("无权访问") and
            FORBIDDEN in clerk.text("main"),
            "a clerk opening 人员 (/node/users): 403 " + FORBIDDEN)
    clerk.go("/")
    tok = clerk.one("form.logout input[name=csrf]").get_attribute("value")
    body = urllib.parse.urlencode({
        "csrf": tok, "op": "add", "name": "冒名者", "role": "administrator",
        "password": "password-1234", "password2": "password-1234"})
    r = t.http("P", "POST", "/node/users", body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "ld_session=" + clerk.cookie("ld_session")})
    f.check(r.status == 403 and FORBIDDEN in r.text,
            "a clerk's forged POST /node/users: 403 " + FORBIDDEN)
    r = t.cli("P", "user", "list")
    f.check("冒名者" not in r.stdout, "no one added by the clerk")
    # The province editing 周至's result: 周至's record, not the province's.
    clerk.go("/r/%s/edit" % res12)
    if clerk.has("#submit"):
        clerk.fill("summary", "省里改写的")
        clerk.submit()
    f.check("省里改写的" not in clerk.text("body") or
            clerk.title.startswith(("无权访问", "请求有误", "服务出错")),
            "the province cannot edit 周至's result: %s" %
            " ".join(clerk.text("main").split())[:80])
    r = t.cli("P", "show", res12)
    f.check("省里改写的" not in r.stdout, "周至's result unchanged at "
            "the province")
    f.check(counts(t, "P") == before, "nothing written by the refused")


def attachments(t, f, sub):
    """A path outside the attachment store; an upload over 16 MiB."""
    b = t.browser("X21", "岐办")
    before = counts(t, "X21")
    sess = b.cookie("ld_session")
    # 16 MiB and one byte, through the file input.
    used = store_bytes(t, "X21")
    big = os.path.join(t.root, "超大附件.bin")
    with open(big, "wb") as fh:
        fh.truncate(16 * 1024 * 1024 + 1)
    b.go("/r/%s/result" % sub)
    if f.check(b.has("#submit"), "岐山's result form is there"):
        b.fill("summary", "附件太大的报送")
        b.fill("attach", big)
        b.submit()
        msg = b.error("attach")
        f.check(b.has("#submit") and msg is not None and "16 MiB" in msg,
                "over 16 MiB: refused beside the file input: %r" % msg)
    f.check(counts(t, "X21") == before, "no result kept from the refused "
            "upload")
    grew = store_bytes(t, "X21") - used
    f.check(grew < 4 << 20, "no chunk of it kept: the store grew %d KiB" %
            (grew >> 10))

    # A file name that is a path, sent as a forged browser would.
    rid = sub
    for fname, kept in (("../../../../tmp/evil.txt", True), ("..", False)):
        b.go("/r/%s/result" % sub)
        tok = b.one("form input[name=csrf]").get_attribute("value")
        summary = "文件名是路径 " + fname
        body, ctype = multipart(
            {"csrf": tok, "summary": summary},
            [("attach", fname, b"path in the name\n")])
        r = t.http("X21", "POST", "/r/%s/result" % sub, body, {
            "Content-Type": ctype, "Cookie": "ld_session=" + sess})
        if kept:
            ok = r.status == 303
            rid = urllib.parse.unquote(r.getheader("Location", "")[3:])
            b.go("/r/" + rid)
            links = b.all("a[id^='att-']")
            names = [a.text for a in links]
            href = urllib.parse.urlsplit(
                links[0].get_attribute("href")).path if links else ""
            f.check(ok and names == ["evil.txt"],
                    "upload named %r: kept as %s under its base name only" %
                    (fname, names))
            r = t.http("X21", "GET", href, headers={
                "Cookie": "ld_session=" + sess})
            cd = r.getheader("Content-Disposition", "")
            f.check(r.status == 200 and "evil.txt" in cd and "/" not in cd
                    and ".." not in cd and r.text == "path in the name\n",
                    "its download (%s) names it %s" % (href, cd))
            before = counts(t, "X21")
        else:
            f.check(r.status in (200, 400, 422) and
                    "not a file name" in r.text,
                    "upload named %r refused: %s" % (fname, re.sub(
                        r"\s+", " ", re.sub(r"<[^>]+>", " ", r.text))
                        [-200:]))
    f.check(not os.path.exists("/tmp/evil.txt") or
            os.path.getmtime("/tmp/evil.txt") < t.started,
            "nothing written at the path the name gave")
    f.check(counts(t, "X21") == before, "nothing kept from the refused")

    # Paths that would leave the attachment store, on a result that has
    # one (/a/1 is its file): refused, nothing of the office's files.
    # The browser folds ../ itself, so they go over a raw connection too.
    for path in ("/r/%s/a/..%%2f..%%2fliandong.conf" % rid,
                 "/r/%s/a/../../../liandong.conf" % rid,
                 "/r/%s/a/-1" % rid, "/r/%s/a/0" % rid,
                 "/r/%s/a/99" % rid,
                 "/r/%s/a/%%2e%%2e/%%2e%%2e/keys" % rid):
        b.go(path)
        f.check(b.title.startswith(("页面不存在", "请求有误")) and
                "[node]" not in b.html(),
                "GET %s: refused (%s)" % (path, b.title))
    for path in ("/r/%s/a/../../../../liandong.conf" % rid,
                 "/r/%s/a/1/../../../../../etc/passwd" % rid,
                 "/r/%s/a/1/../../../../keys/secret" % rid):
        r = t.http("X21", "GET", path, headers={"Cookie":
                                                "ld_session=" + sess})
        f.check(r.status in (400, 404) and "root:" not in r.text and
                "[node]" not in r.text,
                "raw GET %s: %d" % (path, r.status))


def main():
    return lb.main(test, sys.argv)


if __name__ == "__main__":
    sys.exit(main())
