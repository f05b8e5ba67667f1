#!/usr/bin/env python3
# check_web.py — liandong-web against a real node, over raw HTTP(S) from
# http.client: redirect to the login page, the lockout after 10 wrong
# passwords, the session cookie's flags, CSRF on logout, a topic with
# <script> and quotes shown as text, the security headers, 404 and 413
# pages, a removed person's session ending, HTTPS with a Secure cookie,
# and the refusal of plain HTTP off loopback. Every wait is bounded;
# only the processes started here are stopped, by their pid.
#   check_web.py BUILD_DIR      (exit 77 = skipped)
import html
import http.client
import os
import re
import shutil
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webtest  # noqa: E402
from webtest import (LIANDONG, MKUSER, WEB, Client, add_users,  # noqa: E402
                     check, failures, free_port, run, start_node, start_web,
                     stop)

TOPIC = "督办<script>alert(1)</script>\"'"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def scenario(root):
    data = os.path.join(root, "prov")
    r = run([LIANDONG, "init", "--data", data, "--id", "530000", "--name",
             "云南省政协", "--insecure"])
    check(r.returncode == 0, "liandong init: " + r.stderr.strip())
    start_node(root, data)
    add_users(data, (("张三", "clerk", "secret-pass"),
                     ("读者", "reader", "reader-pass")))
    r = run([LIANDONG, "--data", data, "task", "add", "--topic", TOPIC,
             "--form", "监督性视察", "--scope", "530000", "--due",
             "2026-12-31"])
    check(r.returncode == 0, "task add: " + r.stderr.strip())
    tid = r.stdout.strip()

    # Plain HTTP off loopback, not asked for in so many words: refused.
    r = run([WEB, "--data", data, "--listen", "0.0.0.0:%d" % free_port()],
            timeout=15)
    err = r.stderr.strip()
    check(r.returncode == 1 and "\n" not in err and
          "plain_http = yes" in err and "[web] cert and key" in err,
          "non-loopback plain HTTP refused with one line: " + err)

    port = free_port()
    web = start_web(data, "127.0.0.1:%d" % port)
    b = Client(port)

    r = b.req("GET", "/")
    check(r.status == 303 and r.headers["Location"] == "/login",
          "GET / without a session redirects to /login")
    for h, v in (("Content-Security-Policy", CSP),
                 ("X-Content-Type-Options", "nosniff"),
                 ("Referrer-Policy", "same-origin"),
                 ("Cache-Control", "no-store")):
        check(r.headers.get(h) == v, "header %s: %s" % (h, r.headers.get(h)))
    r = b.req("GET", "/login")
    check(r.status == 200 and 'lang="zh-CN"' in r.text and "登录" in r.text
          and r.headers.get("Content-Security-Policy") == CSP,
          "the login page, in Chinese, with the CSP")
    r = b.req("GET", "/static/app.css")
    check(r.status == 200 and "Noto Sans CJK SC" in r.text and
          r.headers["Content-Type"].startswith("text/css"),
          "the stylesheet")

    # A login form without its cookie-bound token is refused.
    r = Client(port).req("POST", "/login", {"user": "张三",
                                             "password": "secret-pass"})
    check(r.status == 403 and "ld_session" not in str(r.headers),
          "a login without the form's CSRF token is refused")

    # Ten wrong passwords lock the account, and say so; then even the
    # right one is refused.
    x = Client(port)
    t0 = time.time()
    for i in range(1, 11):
        r = x.login("读者", "wrong-%d" % i)
        if i < 10:
            check(r.status == 401 and "用户名或密码不正确" in r.text,
                  "wrong password %d: said beside the field" % i)
    check("账户已锁定，请 15 分钟后再试" in r.text,
          "the 10th wrong password locks the account: " +
          (re.findall(r'class="error"[^>]*>([^<]*)', r.text) or [""])[0])
    check(time.time() - t0 > 5, "failed logins are slowed (%.1f s for 10)"
          % (time.time() - t0))
    r = x.login("读者", "reader-pass")
    check("账户已锁定" in r.text and "ld_session" not in x.cookies,
          "the right password is refused while locked")

    # A good login: the session cookie's flags.
    r = b.login("张三", "secret-pass")
    sc = [c for c in b.set_cookie if c.startswith("ld_session=")]
    check(r.status == 303 and r.headers["Location"] == "/" and len(sc) == 1,
          "good login redirects to / with a session cookie")
    check(sc and "HttpOnly" in sc[0] and "SameSite=Strict" in sc[0] and
          "Secure" not in sc[0], "session cookie: %s" % (sc[0] if sc else ""))
    r = b.req("GET", "/")
    check(r.status == 200 and "张三" in r.text and "经办" in r.text and
          "工作台" in r.text and "逾期" in r.text,
          "工作台 shows the person, the role and the counts")

    # Members (委员): the list, and a member's page with the year's duty
    # entries counted against 五个一.
    r = run([LIANDONG, "--data", data, "member", "add", "--name", "王委员",
             "--sector", "经济界", "--committee", "提案委员会",
             "--phone", "13900000000"])
    check(r.returncode == 0, "member add: " + r.stderr.strip())
    mid = r.stdout.strip()
    r = run([LIANDONG, "--data", data, "duty", "add", "--activity", "提案",
             "--date", "2018-04-02", "--member", mid, "--note", "<b>首件</b>"])
    check(r.returncode == 0, "duty add: " + r.stderr.strip())
    r = b.req("GET", "/members")
    check(r.status == 200 and "王委员" in r.text and "经济界" in r.text and
          "在任" in r.text and 'href="/members"' in r.text,
          "/members lists the member, in the nav")
    r = b.req("GET", "/r/%s?year=2018" % mid)
    check(r.status == 200 and "2018年履职" in r.text and
          "调研 1, 社情民意 1, 建议 1, 实事 1" in r.text and
          "在任" in r.text and
          "&lt;b&gt;首件&lt;/b&gt;" in r.text and "13900000000" not in r.text,
          "a member's page: the year's entries, what 五个一 still asks, "
          "escaped, and no personal details")

    # The topic, shown as text everywhere.
    esc = html.escape(TOPIC, quote=True).replace("&#x27;", "&#39;")
    for path in ("/tasks", "/r/" + tid, "/tasks/%s/progress" % tid):
        r = b.req("GET", path)
        check(r.status == 200 and esc in r.text and
              "<script>" not in r.text, "%s shows the topic escaped" % path)
    r = b.req("GET", "/tasks?q=" + urllib.parse.quote("不在其中"))
    check(r.status == 200 and tid not in r.text, "/tasks?q= filters")
    r = b.req("GET", "/tasks?status=dispatched&year=2026")
    check(r.status == 200 and tid in r.text, "/tasks?status=&year= filters")
    r = b.req("GET", "/r/530000:1")
    check(r.status == 404 and "没有这条记录" in r.text, "unknown record: 404")
    r = b.req("GET", "/no/such/page")
    check(r.status == 404 and "没有这个页面" in r.text, "404 page in Chinese")

    # A body over 17 MiB: 413, refused before it is read.
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.putrequest("POST", "/login")
    c.putheader("Content-Type", "application/x-www-form-urlencoded")
    c.putheader("Content-Length", str(18 << 20))
    c.endheaders()
    r = c.getresponse()
    body = r.read().decode()
    c.close()
    check(r.status == 413 and "17 MiB" in body, "an 18 MiB body: 413")

    # Logout needs the form's CSRF token.
    csrf = b.csrf()
    r = b.req("POST", "/logout", {})
    check(r.status == 403, "POST /logout without the CSRF token: 403")
    r = b.req("POST", "/logout", {"csrf": "0" * 64})
    check(r.status == 403, "POST /logout with a wrong CSRF token: 403")
    r = b.req("GET", "/")
    check(r.status == 200, "the session survives a refused logout")
    r = b.req("POST", "/logout", {"csrf": csrf})
    check(r.status == 303 and "ld_session" not in b.cookies,
          "POST /logout with the token ends the session")
    b.cookies["ld_session"] = [c for c in sc][0].split(";")[0].split("=")[1]
    r = b.req("GET", "/")
    check(r.status == 303, "the old session token no longer works")

    # A person removed from the users file: their session ends at once.
    b = Client(port)
    b.login("张三", "secret-pass")
    check(b.req("GET", "/").status == 200, "logged in again")
    users = os.path.join(data, "users")
    with open(users) as f:
        lines = [l for l in f if not l.startswith("张三 ")]
    with open(users + ".new", "w") as f:
        f.writelines(lines)
    os.chmod(users + ".new", 0o600)
    os.rename(users + ".new", users)
    r = b.req("GET", "/")
    check(r.status == 303, "a removed person's session stops working")

    check(stop(web) == 0, "SIGTERM stops liandong-web cleanly (exit 0)")

    # HTTPS with a certificate and key from the configuration.
    if shutil.which("openssl") is None:
        print("skip: no openssl to make a certificate; HTTPS not tested")
        return 1 if failures else 0
    cert, key = os.path.join(root, "web.crt"), os.path.join(root, "web.key")
    r = run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-keyout", key, "-out", cert, "-days", "2", "-subj",
             "/CN=127.0.0.1"], timeout=60)
    check(r.returncode == 0, "openssl made a certificate")
    tport = free_port()
    with open(os.path.join(data, "liandong.conf"), "a") as f:
        f.write("\n[web]\nlisten = 127.0.0.1:%d\ncert = %s\nkey = %s\n"
                "session_idle = 10m\n" % (tport, cert, key))
    web = start_web(data, "127.0.0.1:%d" % tport, "https")
    t = Client(tport, tls=True)
    run([MKUSER, data, "王五", "clerk", "secret-pass"])
    r = t.login("王五", "secret-pass")
    sc = [c for c in t.set_cookie if c.startswith("ld_session=")]
    check(r.status == 303 and sc and "Secure" in sc[0] and
          "HttpOnly" in sc[0], "HTTPS: the session cookie is Secure")
    r = t.req("GET", "/")
    check(r.status == 200 and "王五" in r.text and
          "Strict-Transport-Security" in r.headers, "HTTPS: 工作台")
    check(stop(web) == 0, "SIGTERM stops the HTTPS server cleanly")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(webtest.main("check_web", scenario, "ld_web_"))
