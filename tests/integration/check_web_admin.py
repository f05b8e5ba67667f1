#!/usr/bin/python3
# check_web_admin.py — the console's reports, 年度统计, node and
# administration pages against one real liandongd holding the Fuyuan 2018
# fixture, over urllib with a cookie jar: a reader runs the summary
# plugin (its page frames the report, whose URL answers under its own
# sandbox CSP), downloads md / csv / json, sees a failing plugin's reason
# while the console keeps working; /stats equals `liandong figures
# --json`; /node shows the status and its 下级节点 section the offices
# below of `liandong status --tree --json`; an administrator adds a person who can
# then log in, a clerk's POST is refused, the last administrator cannot
# be demoted nor anyone remove themselves, bad input is said beside its
# field; a child enrolled through the page is in `liandong child list`.
# Every wait is bounded; only the processes started here are stopped.
#   check_web_admin.py BUILD_DIR      (exit 77 = skipped)
import html
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webtest  # noqa: E402
from webtest import (BUILD, LIANDONG, add_users, check, run,  # noqa: E402
                     start_node, start_web)

SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SUMMARY = os.path.join(BUILD, "plugins", "lib", "summary.so")
CRASH = os.path.join(BUILD, "tests", "plugins", "lib", "crash.so")
FUYUAN = os.path.join(SRC, "docs", "examples", "fuyuan-2018.json")
SANDBOX = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
           "sandbox; frame-ancestors 'self'")


class Browser(webtest.Client):
    """webtest's browser, asked by path: a POST when there is a form;
    the answer's bytes also as .body."""

    def req(self, path, form=None):
        r = self.request("POST" if form else "GET", path, form)
        r.body = r.raw
        return r


def field_errors(text):
    return re.findall(r'class="field-error">([^<]*)<', text)


def flatten(prefix, v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            flatten(prefix + "." + k if prefix else k, x, out)
    elif isinstance(v, int) and not isinstance(v, bool):
        out[prefix] = v


def scenario(root):
    data = os.path.join(root, "prov")
    plugins = os.path.join(root, "plugins")
    os.mkdir(plugins)
    os.symlink(SUMMARY, os.path.join(plugins, "summary.so"))
    os.symlink(CRASH, os.path.join(plugins, "crash.so"))
    r = run([LIANDONG, "init", "--data", data, "--id", "530000", "--name",
             "云南省政协"])
    check(r.returncode == 0, "liandong init: " + r.stderr.strip())
    with open(os.path.join(data, "liandong.conf"), "a") as f:
        f.write("\n[report]\nplugin_dir = %s\ntimeout_s = 20\n" % plugins)
    start_node(root, data)
    r = run([LIANDONG, "--data", data, "import", FUYUAN])
    check(r.returncode == 0, "import the Fuyuan fixture: " + r.stderr)
    add_users(data, (("管理员甲", "administrator", "admin-pass-1"),
                     ("张三", "clerk", "clerk-pass-1"),
                     ("读者", "reader", "reader-pass-1")))
    port = start_web(data).port

    reports(port, data)
    stats(port, data)
    node(port, data)
    users(port, data)
    children(port, data)


def reports(port, data):
    b = Browser(port)
    check(b.login("读者", "reader-pass-1").status == 303, "the reader logs in")
    r = b.req("/reports")
    check(r.status == 200 and 'value="summary"' in r.text and
          "crash" in r.text, "/reports lists the installed plugins")
    r = b.req("/reports/view?plugin=summary&year=2018&scope=&set=")
    m = re.search(r'<iframe[^>]*\ssandbox[\s>][^>]*src="([^"]+)"', r.text)
    check(r.status == 200 and m is not None,
          "running summary: the page frames the report in <iframe sandbox>")
    check("frame-src 'self'" in r.headers.get("Content-Security-Policy", ""),
          "the report page's CSP lets it frame this origin")
    src = html.unescape(m.group(1)) if m else "/"
    check(src.startswith("/reports/run/summary.html?"), "its URL: " + src)
    r = b.req(src)
    check(r.status == 200 and
          r.headers.get("Content-Security-Policy") == SANDBOX and
          r.headers.get("X-Frame-Options") == "SAMEORIGIN",
          "the report's URL answers under its own sandbox CSP")
    check('data-figure="调研">10<' in r.text and "<style>" in r.text,
          "the report's own HTML, its figures the fixture's")
    for fmt in ("md", "csv", "json"):
        r = b.req("/reports/run/summary.%s?year=2018&scope=&set=" % fmt)
        cd = r.headers.get("Content-Disposition", "")
        check(r.status == 200 and cd.startswith("attachment;") and
              "filename*=UTF-8''summary-2018.%s" % fmt in cd,
              "download %s: %s" % (fmt, cd))
        if fmt == "json":
            try:
                doc = json.loads(r.text)
                check(isinstance(doc, dict), "the JSON download parses")
            except ValueError:
                check(False, "the JSON download parses")
        if fmt == "md":
            check(r.text.startswith("# ") and "2018" in r.text,
                  "the Markdown download is the report")
    r = b.req("/reports/run/crash.md?year=2018")
    msg = re.findall(r'class="error">([^<]*)<', r.text)
    check(r.status == 502 and msg and msg[0].startswith("报表 crash") and
          "\n" not in msg[0], "a crashing plugin: one line in Chinese: %s"
          % (msg[0] if msg else r.text[:200]))
    r = b.req("/reports/run/crash.html?year=2018")
    check(r.status == 502 and "报表 crash" in r.text and
          r.headers.get("Content-Security-Policy") == SANDBOX,
          "in the frame, the failure is said in the frame")
    check(b.req("/reports").status == 200, "the console keeps working")
    r = b.req("/reports/view?plugin=summary&year=20x&scope=a%20b&set=x")
    errs = field_errors(r.text)
    check(r.status == 400 and len(errs) == 3 and "<iframe" not in r.text,
          "bad year, scope and setting, each said beside its field: %s"
          % errs)


def stats(port, data):
    b = Browser(port)
    b.login("读者", "reader-pass-1")
    r = b.req("/stats?year=2018")
    page = {k: int(v) for k, v in
            re.findall(r'data-fig="([^"]+)">(\d+)<', r.text)}
    cli = run([LIANDONG, "--data", data, "figures", "--year", "2018",
               "--json"])
    fig = json.loads(cli.stdout)
    want = {}
    flatten("", fig, want)
    # Counts only: the shares are checked below, as the page rounds them.
    for k in ("year", "headline.解决率", "headline.面商率", "headline.满意率"):
        want.pop(k, None)
    missing = [k for k in want if k not in page]
    differ = [k for k in want if k in page and page[k] != want[k]]
    check(r.status == 200 and not missing and not differ and
          len(want) > 20,
          "/stats?year=2018 shows the figures of `liandong figures --json`"
          " (%d; missing %s, different %s)" % (len(want), missing, differ))
    shares = dict(re.findall(r'data-fig="(proposals\.[a-z_]+)">'
                             r'([0-9.]+)%', r.text))
    for k in ("solved_share", "face_to_face_rate", "satisfaction_rate"):
        v = fig["proposals"][k]
        check(shares.get("proposals." + k) == "%.1f" % (100 * v),
              "%s: %s%% on the page, %s from the CLI" %
              (k, shares.get("proposals." + k), v))
    check(r.text.count("<svg") >= 3 and "style=" not in r.text,
          "with bar charts in SVG and no style attributes")
    r = b.req("/stats")
    check(r.status == 200 and time.strftime("%Y") in r.text,
          "/stats without a year: this year")
    check(b.req("/stats?year=abc").status == 400, "a bad year is refused")


def node(port, data):
    b = Browser(port)
    b.login("读者", "reader-pass-1")
    r = b.req("/node")
    st = json.loads(run([LIANDONG, "--data", data, "status",
                         "--json"]).stdout)
    got = dict(re.findall(r'data-st="([^"]+)">([^<]*)<', r.text))
    check(r.status == 200 and got.get("path") == st["path"] and
          got.get("name") == st["name"] and
          got.get("records") == str(st["records"]) and
          got.get("epoch") == st["epoch"],
          "/node shows the node's status: %s" % got)
    check("没有上级" in r.text and "/node/users" not in r.text,
          "a root, and no administration links for a reader")
    check(b.req("/node/users").status == 403,
          "a reader may not see /node/users")
    # 下级节点: the offices below as the CLI's tree answer has them, in its
    # order, 失联 where it says silent; "无下级节点" when there is none.
    tree = json.loads(run([LIANDONG, "--data", data, "status", "--tree",
                           "--json"]).stdout)
    below = [o for o in tree.get("tree", []) if o["path"] != tree["path"]]
    rows = re.findall(r'<tr data-office="([^"]+)" data-depth="(\d+)"'
                      r'( data-silent="1")?>', r.text)
    want = [(html.escape(o["path"]), bool(o.get("silent", False)))
            for o in below]
    got = [(p, bool(sil)) for p, _, sil in rows]
    check("<h2>下级节点</h2>" in r.text and got == want and
          (("无下级节点" in r.text) == (not below)),
          "/node's 下级节点 shows the %d offices below of `status --tree`: "
          "%s against %s" % (len(below), got[:5], want[:5]))


def users(port, data):
    a = Browser(port)
    check(a.login("管理员甲", "admin-pass-1").status == 303,
          "the administrator logs in")
    tok = a.csrf("/node/users")
    r = a.req("/node/users", {"csrf": tok, "op": "add", "name": "李四",
                              "role": "reviewer", "password": "li-si-pass",
                              "password2": "li-si-pass"})
    check(r.status == 303, "an administrator adds 李四")
    n = Browser(port)
    check(n.login("李四", "li-si-pass").status == 303,
          "李四 can then log in")
    listed = run([LIANDONG, "--data", data, "user", "list", "--json"])
    if listed.returncode == 0:
        roles = {u["name"]: u["role"] for u in json.loads(listed.stdout)}
        check(roles.get("李四") == "reviewer",
              "`liandong user list` has 李四, reviewer")
    for form, want in (
            ({"name": "李 五", "role": "clerk", "password": "long-enough",
              "password2": "long-enough"}, "用户名无效"),
            ({"name": "王五", "role": "clerk", "password": "short",
              "password2": "short"}, "密码太短"),
            ({"name": "王五", "role": "clerk", "password": "long-enough",
              "password2": "long-enougH"}, "不一致"),
            ({"name": "李四", "role": "clerk", "password": "long-enough",
              "password2": "long-enough"}, "已存在")):
        form.update({"csrf": tok, "op": "add"})
        r = a.req("/node/users", form)
        errs = field_errors(r.text)
        check(r.status == 400 and len(errs) == 1 and want in errs[0],
              "add %s: said beside the field: %s" % (form["name"], errs))
    before = open(os.path.join(data, "users")).read()
    r = a.req("/node/users", {"csrf": tok, "op": "role", "name": "管理员甲",
                              "role": "clerk"})
    errs = field_errors(r.text)
    check(r.status == 400 and errs and "最后一位管理员" in errs[0],
          "the last administrator cannot be demoted: %s" % errs)
    r = a.req("/node/users", {"csrf": tok, "op": "remove",
                              "name": "管理员甲"})
    errs = field_errors(r.text)
    check(r.status == 400 and errs and "不能删除自己" in errs[0],
          "nobody removes themselves: %s" % errs)
    check(open(os.path.join(data, "users")).read() == before,
          "refused changes write nothing")
    r = a.req("/node/users", {"csrf": tok, "op": "passwd", "name": "李四",
                              "password": "new-li-si-pass",
                              "password2": "new-li-si-pass"})
    check(r.status == 303 and Browser(port).login(
        "李四", "new-li-si-pass").status == 303,
        "a changed password works")
    r = a.req("/node/users", {"csrf": tok, "op": "remove", "name": "李四"})
    check(r.status == 303 and n.req("/").status == 303,
          "a removed person's session ends")
    c = Browser(port)
    c.login("张三", "clerk-pass-1")
    r = c.req("/node/users", {"csrf": c.csrf(), "op": "remove",
                              "name": "管理员甲"})
    check(r.status == 403, "a clerk POSTing /node/users gets 403")
    r = a.req("/node/users", {"op": "remove", "name": "张三"})
    check(r.status == 403, "a POST without the CSRF token gets 403")


def children(port, data):
    a = Browser(port)
    a.login("管理员甲", "admin-pass-1")
    tok = a.csrf("/node/children")
    kg = run([LIANDONG, "admin", "keygen", "--out",
              os.path.join(os.path.dirname(data), "city.key")])
    key = re.search(r"key: (\S+)", kg.stdout).group(1)
    r = a.req("/node/children", {"csrf": tok, "op": "add",
                                 "path": "530000/530300/530325",
                                 "key": key})
    errs = field_errors(r.text)
    check(r.status == 400 and errs and "直接下级" in errs[0],
          "a grandchild is refused beside the path: %s" % errs)
    r = a.req("/node/children", {"csrf": tok, "op": "add",
                                 "path": "530000/530300", "key": "nokey"})
    errs = field_errors(r.text)
    check(r.status == 400 and errs and "公钥无效" in errs[0],
          "a bad key is refused beside the key: %s" % errs)
    r = a.req("/node/children", {"csrf": tok, "op": "add",
                                 "path": "530000/530300", "key": key})
    check(r.status == 303, "a child enrolled through the page")
    listed = run([LIANDONG, "--data", data, "child", "list"]).stdout
    check("530000/530300 %s" % key in listed,
          "it is in `liandong child list`: %r" % listed)
    r = a.req("/node/children")
    check('data-child="530000/530300"' in r.text, "and on the page")
    r = a.req("/node/children", {"csrf": tok, "op": "remove",
                                 "path": "530000/530300"})
    listed = run([LIANDONG, "--data", data, "child", "list"]).stdout
    check(r.status == 303 and "530000/530300" not in listed,
          "removed through the page, gone from the list")


if __name__ == "__main__":
    sys.exit(webtest.main("check_web_admin", scenario, "ld_web_admin_",
                          needs=(SUMMARY, CRASH)))
