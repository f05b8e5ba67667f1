#!/usr/bin/env python3
# check_web_api.py — liandong-web's JSON API (/api/v1) against a real node:
# token auth, a wrong token, a reader's write refused, a task created with
# the token's person as author, a bad due date with the CLI's words and
# its field, a stale base_version (409), the shapes of list, get, history,
# inbox, progress, status and me (a record as 'liandong show --json' has
# it), the session cookie without X-CSRF-Token, a body over 1 MiB, <script>
# kept as text in JSON, an attachment's bytes, every path of
# docs/openapi.yaml answered, and wrong tokens locking the address out.
# Every wait is bounded; only the processes started here are stopped.
#   check_web_api.py BUILD_DIR SOURCE_DIR      (exit 77 = skipped)
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webtest  # noqa: E402
from webtest import (LIANDONG, check, run, start_node,  # noqa: E402
                     start_web)

SOURCE = os.path.abspath(sys.argv[2])
TOPIC = "督办<script>alert(1)</script>\"'&"
JSON_TYPE = "application/json; charset=utf-8"


class Api:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port

    def call(self, method, path, body=None, token=None, headers=None,
             raw=None):
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = "Bearer " + token
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.base + path, data=data,
                                     method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, hdr, payload = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, hdr, payload = e.code, e.headers, e.read()
        doc = None
        if hdr.get("Content-Type", "").startswith("application/json"):
            doc = json.loads(payload.decode("utf-8"))
        return status, hdr, doc, payload


def q(s):
    return urllib.parse.quote(s, safe="/:")


def add_user(data, root, name, role):
    pw = os.path.join(root, "pw")
    with open(pw, "w") as f:
        f.write("password-of-%s\n" % role)
    r = run([LIANDONG, "--data", data, "user", "add", name, "--role", role,
             "--password-file", pw])
    check(r.returncode == 0, "user add %s: %s" % (name, r.stderr.strip()))
    r = run([LIANDONG, "--data", data, "user", "token", name])
    tok = r.stdout.strip()
    check(r.returncode == 0 and re.fullmatch("[0-9a-f]{64}", tok) is not None,
          "user token %s" % name)
    return tok


def scenario(root):
    data = os.path.join(root, "prov")
    r = run([LIANDONG, "init", "--data", data, "--id", "530000", "--name",
             "云南省政协", "--insecure"])
    check(r.returncode == 0, "liandong init: " + r.stderr.strip())
    start_node(root, data)
    clerk = add_user(data, root, "张三", "clerk")
    reader = add_user(data, root, "读者", "reader")
    reviewer = add_user(data, root, "李审", "reviewer")

    port = start_web(data).port
    api = Api(port)

    # Who am I.
    st, h, doc, _ = api.call("GET", "/api/v1/me", token=clerk)
    check(st == 200 and h["Content-Type"] == JSON_TYPE and
          doc["name"] == "张三" and doc["role"] == "clerk" and
          doc["office"]["path"] == "530000" and doc["auth"] == "token" and
          "write" in doc["may"], "GET /me with a token: %s" % doc)
    st, h, doc, _ = api.call("GET", "/api/v1/me")
    check(st == 401 and doc["code"] == "unauthorized",
          "no token, no session: 401 %s" % doc)
    st, h, doc, _ = api.call("GET", "/api/v1/me", token="0" * 64)
    check(st == 401 and doc["code"] == "unauthorized" and
          "token" in doc["error"], "a wrong token: 401 %s" % doc)
    st, h, doc, _ = api.call("GET", "/api/v1/nothing", token=clerk)
    check(st == 404 and doc["code"] == "not_found", "unknown endpoint 404")

    task = {"kind": "task", "form": "监督性视察", "topic": TOPIC,
            "scope": ["530000"], "due": "2026-12-31",
            "targets": ["市住建局"], "author": "冒名者"}
    st, h, doc, _ = api.call("POST", "/api/v1/records", task, token=reader)
    check(st == 403 and doc["code"] == "forbidden",
          "a reader's POST: 403 %s" % doc)
    st, h, doc, _ = api.call("POST", "/api/v1/records", task, token=clerk)
    check(st == 201 and doc["author"] == "张三" and doc["version"] == 1 and
          doc["topic"] == TOPIC and doc["kind"] == "task",
          "a clerk creates a task, author from the token: %s %s" % (st, doc))
    tid = doc["id"] if st == 201 else ""
    check(h.get("Location") == "/api/v1/records/" + tid, "Location header")

    # A bad due date: the CLI's words, and the field.
    bad = dict(task, due="2026-02-30")
    st, h, doc, _ = api.call("POST", "/api/v1/records", bad, token=clerk)
    r = run([LIANDONG, "--data", data, "task", "add", "--topic", "t",
             "--form", "监督性视察", "--scope", "530000", "--due",
             "2026-02-30"])
    # The CLI checks a date before it asks (--due '...'), the node
    # names the field (due: '...'): the same words after it.
    why = doc.get("error", "").split(": ", 1)[-1]
    check(st == 400 and doc.get("field") == "due" and
          doc["code"] == "refused" and why in r.stderr and
          "is not a date" in why,
          "bad due: 400 %s; the CLI says %r" % (doc, r.stderr.strip()))
    st, h, doc, _ = api.call("POST", "/api/v1/records", raw=b"{not json",
                             token=clerk)
    check(st == 400 and doc["code"] == "bad_request", "not JSON: 400 %s" % doc)
    st, h, doc, _ = api.call("POST", "/api/v1/records",
                             dict(task, colour="red"), token=clerk)
    check(st == 400 and doc.get("field") == "colour",
          "an unknown field is named: %s" % doc)

    # Get: the same object as 'liandong show --json'.
    st, h, doc, _ = api.call("GET", "/api/v1/records/" + q(tid), token=clerk)
    r = run([LIANDONG, "--data", data, "show", tid, "--json"])
    check(st == 200 and doc == json.loads(r.stdout),
          "GET /records/ID is 'liandong show --json'")
    check(b"<script>" in api.call("GET", "/api/v1/records/" + q(tid),
                                  token=clerk)[3] and
          "&lt;" not in json.dumps(doc, ensure_ascii=False),
          "<script> comes back as itself (JSON-escaped, not HTML)")

    # Update, then a stale base_version.
    upd = dict(doc, topic=TOPIC + " 二")
    st, h, doc, _ = api.call("PUT", "/api/v1/records/%s?base_version=1"
                             % q(tid), upd, token=clerk)
    check(st == 200 and doc["version"] == 2 and doc["topic"] == TOPIC + " 二"
          and doc["author"] == "张三", "PUT updates: %s %s" % (st, doc))
    st, h, doc, _ = api.call("PUT", "/api/v1/records/%s?base_version=1"
                             % q(tid), upd, token=clerk)
    check(st == 409 and doc["code"] == "conflict" and
          "changed since it was read" in doc["error"],
          "stale base_version: 409 %s" % doc)
    st, h, doc, _ = api.call("PUT", "/api/v1/records/" + q(tid), upd,
                             token=clerk)
    check(st == 400 and doc.get("field") == "base_version",
          "PUT without base_version: 400")

    # List, history, inbox, progress, status.
    st, h, doc, _ = api.call("GET", "/api/v1/records?kind=task&limit=10",
                             token=reader)
    check(st == 200 and [x["id"] for x in doc["records"]] == [tid] and
          doc["next"] == "", "list: %s" % doc)
    st, h, doc, _ = api.call("GET", "/api/v1/records?kind=thing",
                             token=reader)
    check(st == 400 and doc.get("field") == "kind", "list ?kind=thing: 400")
    st, h, doc, _ = api.call("GET", "/api/v1/records/%s/history" % q(tid),
                             token=reader)
    check(st == 200 and [e["version"] for e in doc["entries"]] == [1, 2] and
          all(e["author"] == "张三" for e in doc["entries"]),
          "history: %s" % doc)
    st, h, doc, _ = api.call("GET", "/api/v1/inbox?today=2026-12-30&days=7",
                             token=reader)
    check(st == 200 and doc["path"] == "530000" and
          doc["today"] == "2026-12-30" and isinstance(doc["items"], list),
          "inbox: %s" % doc)
    st, h, doc, _ = api.call("GET", "/api/v1/tasks/%s/progress?today="
                             "2026-12-30" % q(tid), token=reader)
    check(st == 200 and doc["task"] == tid and isinstance(doc["rows"], list)
          and "targets" in doc, "progress: %s" % doc)
    st, h, doc, _ = api.call("GET", "/api/v1/status", token=reader)
    check(st == 200 and doc["path"] == "530000" and "records" in doc,
          "status")
    st, h, doc, _ = api.call("GET", "/api/v1/records/530000:999",
                             token=reader)
    check(st == 404 and doc["code"] == "not_found", "unknown record: 404")

    # A result with an attachment (added by the CLI); its bytes.
    blob = os.path.join(root, "photo.jpg")
    payload = os.urandom(300 * 1024)
    with open(blob, "wb") as f:
        f.write(payload)
    r = run([LIANDONG, "--data", data, "result", "add", "--ref", tid,
             "--summary", "已视察", "--attach", blob])
    check(r.returncode == 0, "result add --attach: " + r.stderr.strip())
    rid = r.stdout.strip()
    st, h, doc, got = api.call("GET", "/api/v1/records/%s/attachments/1"
                               % q(rid), token=reader)
    check(st == 200 and got == payload and
          h["Content-Type"] == "image/jpeg" and
          "photo.jpg" in h.get("Content-Disposition", ""),
          "attachment 1: the bytes (%d)" % len(got))
    st, h, doc, _ = api.call("GET", "/api/v1/records/%s/attachments/2"
                             % q(rid), token=reader)
    check(st == 400 and doc["code"] == "refused", "attachment 2: %s" % doc)

    # A reviewer may write a review (the node then refuses this one: an
    # office reviews the results of the offices below it, not its own);
    # a reviewer may not write a task.
    st, h, doc, _ = api.call("POST", "/api/v1/records",
                             {"kind": "review", "ref": rid,
                              "verdict": "accepted", "comment": "好"},
                             token=reviewer)
    check(st == 400 and doc["code"] == "refused" and
          doc.get("field") == "ref" and "not below this node" in doc["error"],
          "a reviewer's review passes the role check: %s %s" % (st, doc))
    st, h, doc, _ = api.call("POST", "/api/v1/records", task,
                             token=reviewer)
    check(st == 403, "a reviewer's task: 403")

    # The session cookie: a POST needs X-CSRF-Token.
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    opener.addheaders = []

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **kw):
            return None
    opener.add_handler(NoRedirect())

    def page(path, form=None):
        data = urllib.parse.urlencode(form).encode() if form else None
        try:
            with opener.open(api.base + path, data=data, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")
    _, text = page("/login")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', text).group(1)
    page("/login", {"csrf": csrf, "user": "张三",
                    "password": "password-of-clerk"})
    _, text = page("/")
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', text)
    sess_csrf = m.group(1) if m else ""

    def sess_call(method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(api.base + path, data=data,
                                     method=method,
                                     headers=dict(headers or {}))
        try:
            with opener.open(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())
    st, doc = sess_call("GET", "/api/v1/me")
    check(st == 200 and doc["auth"] == "session" and doc["name"] == "张三",
          "GET /me with the session cookie")
    st, doc = sess_call("POST", "/api/v1/records", task)
    check(st == 403 and doc["code"] == "forbidden" and
          "X-CSRF-Token" in doc["error"],
          "session POST without X-CSRF-Token: 403 %s" % doc)
    st, doc = sess_call("POST", "/api/v1/records", task,
                        {"X-CSRF-Token": sess_csrf})
    check(st == 201 and doc["author"] == "张三",
          "session POST with X-CSRF-Token: %s" % st)

    # A body over 1 MiB.
    big = dict(task, topic="x" * (1100 * 1024))
    st, h, doc, _ = api.call("POST", "/api/v1/records", big, token=clerk)
    check(st == 413 and doc["code"] == "too_large", "1.1 MiB body: 413")

    # Every path of docs/openapi.yaml is answered (not "no such
    # endpoint"), with ids of real records; DELETE last, on its own task.
    import yaml
    with open(os.path.join(SOURCE, "docs", "openapi.yaml")) as f:
        spec = yaml.safe_load(f)
    check(spec.get("openapi", "").startswith("3.0"), "openapi 3.0")
    st, h, doc, _ = api.call("POST", "/api/v1/records", task, token=clerk)
    victim = doc["id"]
    order = sorted(((p, m) for p, ms in spec["paths"].items() for m in ms
                    if m in ("get", "post", "put", "delete")),
                   key=lambda pm: pm[1] == "delete")
    for path, method in order:
        ident = victim if method == "delete" else tid
        if "attachments" in path:
            ident = rid
        url = spec.get("servers", [{"url": ""}])[0]["url"].rstrip("/")
        url += path.replace("{id}", q(ident)).replace("{n}", "1")
        u = urllib.parse.urlparse(url)
        target = u.path + ("?base_version=0" if method in ("put", "delete")
                           else "")
        body = None
        if method == "put":
            body = json.loads(run([LIANDONG, "--data", data, "show", tid,
                                   "--json"]).stdout)
        elif method == "post":
            body = task
        st, h, doc, _ = api.call(method.upper(), target, body, token=clerk)
        check(st < 400 or (doc and "no such endpoint" not in doc["error"]),
              "openapi %s %s answered: %d" % (method.upper(), path, st))

    # Wrong tokens from one address: slowed, then locked out (429), the
    # good token too, until the lock ends.
    t0 = time.time()
    for i in range(10):
        st, h, doc, _ = api.call("GET", "/api/v1/me", token="%064x" % i)
    st, h, doc, _ = api.call("GET", "/api/v1/me", token=clerk)
    check(st == 429 and doc["code"] == "rate_limited" and
          int(h.get("Retry-After", "0")) > 0,
          "after 10 wrong tokens the address is locked: %s" % doc)
    check(time.time() - t0 > 5, "wrong tokens are slowed (%.1f s)"
          % (time.time() - t0))
    st, h, doc, _ = api.call("GET", "/")
    check(st in (200, 303) or st == 200, "pages are not locked by it")


if __name__ == "__main__":
    sys.exit(webtest.main("check_web_api", scenario, "ld_webapi_"))
