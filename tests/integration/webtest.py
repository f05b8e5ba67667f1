# webtest.py — what the console's integration tests (check_web*.py)
# share: the built programs, check(), a free port, a node started and
# waited for, a province and a city below it, users written with
# web_mkuser, liandong-web started and waited for, records read back
# through the CLI, a browser that keeps cookies (and one whose login must
# work), a form's refusal beside its field, and the processes started
# here stopped by their pid at the end. Each test keeps its own checks.
# A test imports it from its own folder:
#   sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
#   import webtest
# and is run as  check_web_X.py BUILD_DIR [...]  (exit 77 = skipped).
import html
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from ldports import free_port  # noqa: E402

BUILD = os.path.abspath(sys.argv[1])
LIANDONG = os.path.join(BUILD, "clients", "liandong")
LIANDONGD = os.path.join(BUILD, "daemon", "liandongd")
WEB = os.path.join(BUILD, "web", "liandong-web")
MKUSER = os.path.join(BUILD, "tests", "integration", "web_mkuser")

procs = []
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)




def run(args, timeout=30, **kw):
    return subprocess.run(args, capture_output=True, text=True,
                          timeout=timeout, **kw)


def cli(data, *args):
    return run([LIANDONG, "--data", data] + list(args))


def wait_for(what, fn, secs=20):
    """fn() until it is true, at most secs; a timeout is a failure."""
    deadline = time.time() + secs
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    check(False, "within %d s: %s" % (secs, what))
    return None


def start_node(root, data, secs=15):
    """liandongd over `data` (its log in ROOT/NAME.log), once it answers
    `liandong status`."""
    log = open(os.path.join(root, os.path.basename(data) + ".log"), "w")
    procs.append(subprocess.Popen([LIANDONGD, "--data", data], stderr=log))
    deadline = time.time() + secs
    while cli(data, "status").returncode != 0:
        if time.time() > deadline:
            raise SystemExit("liandongd at %s did not answer within %d s"
                             % (data, secs))
        time.sleep(0.2)


def province_and_city(root):
    """A province (530000, a free port) and a city below it
    (530000/530300), insecure link, in ROOT/prov and ROOT/city, both
    nodes started; their folders."""
    prov, city = os.path.join(root, "prov"), os.path.join(root, "city")
    lport = free_port()
    r = run([LIANDONG, "init", "--data", prov, "--id", "530000", "--name",
             "云南省政协", "--listen", "tcp://127.0.0.1:%d" % lport,
             "--insecure"])
    check(r.returncode == 0, "init province: " + r.stderr.strip())
    r = run([LIANDONG, "init", "--data", city, "--id", "530000/530300",
             "--name", "曲靖市政协", "--parent",
             "tcp://127.0.0.1:%d" % lport, "--insecure"])
    check(r.returncode == 0, "init city: " + r.stderr.strip())
    start_node(root, prov)
    start_node(root, city)
    return prov, city


def wait_city_at(prov):
    """Until the city's node record has reached the province."""
    wait_for("the city's node record at the province",
             lambda: "530000/530300" in cli(prov, "list", "--kind",
                                            "node").stdout)


def count(data, kind):
    """How many records of `kind` the node at `data` lists (-1: the CLI
    failed)."""
    r = cli(data, "list", "--kind", kind, "--json")
    return len(json.loads(r.stdout)) if r.returncode == 0 else -1


def record(data, rid):
    """Record `rid` as `liandong show --json` prints it ({}: failed)."""
    r = cli(data, "show", rid, "--json")
    return json.loads(r.stdout) if r.returncode == 0 else {}


def add_users(data, users):
    """Write each (name, role, password) into DATA/users."""
    for name, role, pw in users:
        r = run([MKUSER, data, name, role, pw])
        check(r.returncode == 0, "web_mkuser %s: %s" % (name, r.stderr))


def start_web(data, listen=None, scheme="http"):
    """liandong-web over `data`, once it says it serves `listen` (a free
    loopback port when None); the process, with its port as .port."""
    if listen is None:
        listen = "127.0.0.1:%d" % free_port()
    p = subprocess.Popen([WEB, "--data", data, "--listen", listen],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    procs.append(p)
    ready, _, _ = select.select([p.stdout], [], [], 15)
    line = p.stdout.readline() if ready else ""
    if not line.startswith("liandong-web: serving %s://%s/" %
                           (scheme, listen)):
        raise SystemExit("liandong-web did not start: %r %s" %
                         (line, p.stderr.read() if p.poll() is not None
                          else ""))
    p.port = int(listen.rsplit(":", 1)[1])
    return p


def stop(p):
    """SIGTERM, then SIGKILL after 15 s; the exit status (-9 if killed)."""
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            return p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=15)
            return -9
    return p.returncode


def main(name, scenario, prefix, needs=()):
    """Skip (77) unless the programs and `needs` are built; run
    scenario(root) in a new folder, then stop every process started and
    remove the folder (kept when a check failed). 1 if one failed."""
    for b, mode in ([(b, os.X_OK) for b in (LIANDONG, LIANDONGD, WEB,
                                             MKUSER)] +
                    [(b, os.R_OK) for b in needs]):
        if not os.access(b, mode):
            print("skip: %s is not built" % b)
            return 77
    root = tempfile.mkdtemp(prefix=prefix)
    try:
        scenario(root)
    finally:
        for p in procs:
            stop(p)
        if not failures:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("kept %s" % root)
    print("%s: %s" % (name, "%d failed" % len(failures) if failures
                      else "all passed"))
    return 1 if failures else 0


def multipart(fields, files):
    """fields: [(name, value)], files: [(name, filename, bytes)]."""
    bnd = "----ld" + uuid.uuid4().hex
    out = []
    for k, v in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n" % (bnd, k)).encode() + v.encode() + b"\r\n")
    for k, fn, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                    "filename=\"%s\"\r\nContent-Type: "
                    "application/octet-stream\r\n\r\n" % (bnd, k, fn)
                    ).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % bnd).encode())
    return b"".join(out), "multipart/form-data; boundary=" + bnd


CSRF_RE = r'name="csrf" value="([0-9a-f]{64})"'


class Client:
    """A browser that keeps cookies, follows nothing and shows all: each
    answer has .status, .headers, .raw (bytes) and .text; the Set-Cookie
    lines of the last one are in .set_cookie. req is request, for a test
    to ask its own way (login and csrf use request)."""

    def __init__(self, port, tls=False):
        self.port, self.tls, self.cookies = port, tls, {}
        self.set_cookie = []

    def request(self, method, path, form=None, files=None, headers=None):
        if self.tls:
            ctx = ssl._create_unverified_context()
            c = http.client.HTTPSConnection("127.0.0.1", self.port,
                                            timeout=60, context=ctx)
        else:
            c = http.client.HTTPConnection("127.0.0.1", self.port,
                                           timeout=60)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in
                                    self.cookies.items())
        body = None
        if files is not None:
            body, h["Content-Type"] = multipart(form or [], files)
        elif form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        r.raw = r.read()
        r.text = r.raw.decode("utf-8", "replace")
        self.set_cookie = r.headers.get_all("Set-Cookie") or []
        for sc in self.set_cookie:
            name, _, rest = sc.partition("=")
            if "Max-Age=0" in sc:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = rest.split(";", 1)[0]
        c.close()
        return r

    req = request

    def login_form(self):
        """The CSRF token of a fresh login form."""
        m = re.search(CSRF_RE, self.request("GET", "/login").text)
        return m.group(1) if m else ""

    def login(self, user, pw):
        """POST /login; the answer (303 when it worked)."""
        return self.request("POST", "/login", {"csrf": self.login_form(),
                                               "user": user,
                                               "password": pw})

    def csrf(self, path="/"):
        """The session's CSRF token, from the form on `path`."""
        m = re.search(CSRF_RE, self.request("GET", path).text)
        return m.group(1) if m else ""


class SessionClient(Client):
    """A Client whose login must work (a failed check if not) and then
    keeps the session's CSRF token in .token."""

    def login(self, user, pw):
        r = super().login(user, pw)
        check(r.status == 303, "%s logs in" % user)
        self.token = self.csrf()
        return r


def err_of(text, field):
    """The refusal a form shows beside `field`, unescaped ("" if none)."""
    m = re.search(r'<p class="err" id="err-%s"[^>]*>(.*?)</p>' % field, text,
                  re.S)
    return html.unescape(m.group(1)) if m else ""
