# ldbrowser.py — the browser tests' small library: deploy/tree.sh's seven
# offices in a temporary directory, liandong-web beside the ones a test
# uses, accounts written with `liandong user add`, and one headless
# chromium (selenium) per person, so every person has a session of their
# own. Everything started here is stopped at the end whatever happens, by
# its own pid (tree.sh stop reads the pid files it wrote).
#
#   with Tree(build_dir) as t:
#       t.web("P")                       # liandong-web for 陕西省政协
#       t.user("P", "王敏", "clerk")
#       b = t.browser("P", "王敏")        # logged in
#       b.go("/tasks/new"); b.fill("topic", "...")
#
# Every wait is bounded; a test that overruns its own deadline (alarm)
# stops what it started before ctest's timeout would kill it.
import datetime
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from ldports import free_port  # noqa: E402

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHROMIUM = os.environ.get("LD_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("LD_CHROMEDRIVER", "/usr/bin/chromedriver")
SKIP = 77
# Slower builds (sanitizers, valgrind) stretch every wait, as the C tests'.
SCALE = max(1.0, float(os.environ.get("LD_TEST_TIMEOUT_SCALE", "1") or 1))

# Who works where (deploy/tree.sh's names). A person's name is the
# account and the author the pages show.
OFFICES = {
    "P": "陕西省政协", "C1": "西安市政协", "C2": "宝鸡市政协",
    "X11": "临潼区政协", "X12": "周至县政协", "X21": "岐山县政协",
    "X22": "太白县政协",
}
PASSWORD = "lian-dong-2026"

# The state labels of the progress page (core/rollup: README's table).
STATE_LABELS = {
    "relayed": "已转办", "reviewed": "已审核", "resubmitted": "已重报",
    "reported": "已报送", "overdue": "逾期", "pending": "待报送",
    "returned": "已退回",
}


def log(*a):
    print(*a, flush=True)


def today(delta_days=0):
    """The date the node takes as today (the pages have no way to fix it:
    they ask with today = "", which is the daemon's clock), moved by
    delta_days."""
    return (datetime.date.today() +
            datetime.timedelta(days=delta_days)).isoformat()


def skip_unless_ready(build):
    """Exit 77 with the reason if something the browser tests need is
    missing: chromium, chromedriver, selenium, the built programs."""
    why = None
    if not os.access(CHROMIUM, os.X_OK):
        why = "%s is missing (apt-get install chromium)" % CHROMIUM
    elif not os.access(CHROMEDRIVER, os.X_OK):
        why = ("%s is missing (apt-get install chromium-driver)" %
               CHROMEDRIVER)
    else:
        try:
            import selenium  # noqa: F401
        except ImportError:
            why = ("selenium cannot be imported by %s (apt-get install "
                   "python3-selenium)" % sys.executable)
    if why is None:
        for b in ("clients/liandong", "daemon/liandongd",
                  "web/liandong-web"):
            if not os.access(os.path.join(build, b), os.X_OK):
                why = "%s is not built in %s" % (b, build)
                break
    if why is not None:
        log("skip: " + why)
        sys.exit(SKIP)




class Failures:
    """check() prints each assertion; the test fails at the end if any
    did, so one run shows everything that is wrong."""

    def __init__(self):
        self.failed = []

    def check(self, cond, what):
        log(("ok   " if cond else "FAIL ") + what)
        if not cond:
            self.failed.append(what)
        return cond


    def section(self, name, fn, *args):
        """Run one part of a test; an exception fails it, not the rest."""
        log("--- " + name)
        try:
            return fn(*args)
        except Deadline:
            raise
        except Exception as e:
            log(traceback.format_exc(limit=4))
            self.check(False, "%s stopped: %s" % (
                name, str(e).splitlines()[0] if str(e) else type(e)))


class Deadline(Exception):
    pass


def _on_alarm(signum, frame):
    raise Deadline("the test ran past its own deadline")


def _on_term(signum, frame):
    raise SystemExit("stopped by signal %d" % signum)


class Tree:
    """deploy/tree.sh's seven offices, liandong-web beside some, people."""

    def __init__(self, build, deadline_s=170, keep=False):
        deadline_s = int(deadline_s * SCALE)
        self.build = os.path.abspath(build)
        self.deadline_s = deadline_s
        self.keep = keep
        self.root = None
        self.dirs, self.ids = {}, {}
        self.webs = {}       # var -> (Popen, port)
        self.browsers = []
        self.env = dict(os.environ)
        self.env["PATH"] = os.pathsep.join(
            [os.path.join(self.build, d) for d in ("clients", "daemon",
                                                   "web")] +
            [self.env.get("PATH", "/usr/bin:/bin")])
        self.env.pop("LIANDONG_DATA", None)
        self.ok = False
        self.problems = []
        self.started = time.time()

    # --- lifetime -------------------------------------------------------
    def __enter__(self):
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.signal(signal.SIGTERM, _on_term)
        signal.alarm(self.deadline_s)
        self.root = tempfile.mkdtemp(prefix="ld_browser_")
        self.treedir = os.path.join(self.root, "tree")
        try:
            # The daemons tree.sh starts keep its stdout and stderr: a
            # file, not a pipe that would never close.
            out = os.path.join(self.root, "tree.out")
            with open(out, "w") as fh:
                rc = subprocess.call(
                    ["bash", os.path.join(SRC, "deploy", "tree.sh"),
                     "start", self.treedir], stdout=fh, stderr=fh,
                    env=self.env, timeout=60 * SCALE)
            if rc != 0:
                with open(out, encoding="utf-8") as fh:
                    raise RuntimeError("deploy/tree.sh start failed: " +
                                       fh.read().strip())
            with open(os.path.join(self.treedir, "env.sh"),
                      encoding="utf-8") as f:
                for line in f:
                    m = re.match(r"export (\w+)=(\S+) \w+_ID=(\S+)", line)
                    if m:
                        self.dirs[m.group(1)] = m.group(2)
                        self.ids[m.group(1)] = m.group(3)
            if len(self.dirs) != 7:
                raise RuntimeError("env.sh names %d offices, not 7" %
                                   len(self.dirs))
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, et, ev, tb):
        self.ok = et is None
        self.close()
        return False

    def close(self):
        signal.alarm(0)
        for b in self.browsers:
            b.quit()
        self.browsers = []
        for var, (p, _) in self.webs.items():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10 * SCALE)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(timeout=10)
            # SIGTERM is a clean exit (0); anything else, a sanitizer's
            # finding among them, fails the test.
            if p.returncode != 0:
                self.problems.append("liandong-web at %s exited %d (see "
                                     "web-%s.log)" % (var, p.returncode,
                                                      var))
                self.ok = False
        self.webs = {}
        if self.root is not None and os.path.isdir(self.treedir):
            self.run(["bash", os.path.join(SRC, "deploy", "tree.sh"),
                      "stop", self.treedir], timeout=60)
        if self.root is not None:
            if self.ok and not self.keep:
                shutil.rmtree(self.root, ignore_errors=True)
            else:
                log("kept %s (logs: tree/*.log, web-*.log)" % self.root)
        log("took %.1f s" % (time.time() - self.started))

    # --- the command line (reads and waits only, in the tests) ----------
    def run(self, args, timeout=30, input=None):
        timeout *= SCALE
        return subprocess.run(args, capture_output=True, text=True,
                              timeout=timeout, env=self.env, input=input)

    def cli(self, var, *args, timeout=30):
        return self.run(["liandong", "--data", self.dirs[var]] +
                        list(args), timeout=timeout)

    def wait(self, var, rid, version=None, timeout=30):
        """Until the office holds record rid (at version or later)."""
        timeout = int(timeout * SCALE)
        args = ["wait", rid, "--timeout", str(timeout)]
        if version is not None:
            args += ["--version", str(version)]
        r = self.cli(var, *args, timeout=timeout + 10)
        if r.returncode != 0:
            raise RuntimeError("%s never got %s v%s: %s" %
                               (var, rid, version, r.stderr.strip()))

    def records(self, var, kind):
        """The ids of the office's records of a kind (liandong list)."""
        r = self.cli(var, "list", "--kind", kind)
        if r.returncode != 0:
            raise RuntimeError("list: " + r.stderr.strip())
        return [ln.split()[0] for ln in r.stdout.splitlines()[1:]
                if ln.strip()]

    def user(self, var, name, role, password=PASSWORD):
        pwf = os.path.join(self.root, "pw")
        with open(pwf, "w") as f:
            f.write(password + "\n")
        r = self.cli(var, "user", "add", name, "--role", role,
                     "--password-file", pwf)
        os.unlink(pwf)
        if r.returncode != 0:
            raise RuntimeError("user add %s at %s: %s" %
                               (name, var, r.stderr.strip()))

    # --- the console ----------------------------------------------------
    def web(self, var):
        """Start liandong-web beside office var on a free port."""
        if var in self.webs:
            return self.webs[var][1]
        for _ in range(5):
            port = free_port()
            logf = open(os.path.join(self.root, "web-%s.log" % var), "a")
            p = subprocess.Popen(
                ["liandong-web", "--data", self.dirs[var], "--listen",
                 "127.0.0.1:%d" % port], stdout=logf, stderr=logf,
                env=self.env)
            logf.close()
            deadline = time.time() + 15
            while time.time() < deadline and p.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port),
                                             timeout=1).close()
                    self.webs[var] = (p, port)
                    return port
                except OSError:
                    time.sleep(0.1)
            if p.poll() is None:
                p.kill()
            p.wait(timeout=10)
        raise RuntimeError("liandong-web for %s did not start; see %s" %
                           (var, os.path.join(self.root,
                                              "web-%s.log" % var)))

    def url(self, var, path="/"):
        return "http://127.0.0.1:%d%s" % (self.web(var), path)

    def browser(self, var, name=None, password=PASSWORD, width=1280,
                height=900, login=True):
        b = Browser(self, var, width, height)
        self.browsers.append(b)
        if name is not None and login:
            b.login(name, password)
        return b

    def person(self, var, name):
        """The browser of name at var, started and logged in once."""
        if not hasattr(self, "_people"):
            self._people = {}
        if (var, name) not in self._people:
            self._people[(var, name)] = self.browser(var, name)
        return self._people[(var, name)]

    def http(self, var, method, path, body=None, headers=None):
        """A raw request (for what a browser will not send as asked)."""
        c = http.client.HTTPConnection("127.0.0.1", self.web(var),
                                       timeout=30)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        r.text = r.read().decode("utf-8", "replace")
        c.close()
        return r


class Browser:
    """One person's headless chromium, at one office's console."""

    def __init__(self, tree, var, width, height):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        self.tree, self.var = tree, var
        self.downloads = tempfile.mkdtemp(prefix="dl_", dir=tree.root)
        o = webdriver.ChromeOptions()
        o.binary_location = CHROMIUM
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
                  "--disable-dev-shm-usage", "--lang=zh-CN",
                  "--hide-scrollbars", "--force-device-scale-factor=1",
                  "--window-size=%d,%d" % (width, height)):
            o.add_argument(a)
        o.add_experimental_option("prefs", {
            "download.default_directory": self.downloads,
            "download.prompt_for_download": False,
            "intl.accept_languages": "zh-CN,zh",
        })
        self.d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=o)
        self.d.set_page_load_timeout(60)
        self.d.execute_cdp_cmd("Page.setDownloadBehavior", {
            "behavior": "allow", "downloadPath": self.downloads})
        self.size(width, height)

    def quit(self):
        try:
            self.d.quit()
        except Exception as e:  # the browser may be gone already
            log("quit: %s" % e)

    def size(self, width, height, mobile=None):
        """The viewport: exactly width x height CSS pixels."""
        if mobile is None:
            mobile = width < 600
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1,
            "mobile": mobile})

    # --- reading --------------------------------------------------------
    def go(self, path):
        self.d.get(self.tree.url(self.var, path))
        return self

    @property
    def path(self):
        u = urllib.parse.urlsplit(self.d.current_url)
        return u.path + ("?" + u.query if u.query else "")

    @property
    def title(self):
        return self.d.title

    def text(self, css="body"):
        """What the person reads (rendered text, not the markup)."""
        from selenium.webdriver.common.by import By
        return self.d.find_element(By.CSS_SELECTOR, css).text

    def html(self):
        return self.d.page_source

    def all(self, css):
        from selenium.webdriver.common.by import By
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def one(self, css):
        from selenium.webdriver.common.by import By
        return self.d.find_element(By.CSS_SELECTOR, css)

    def has(self, css):
        return len(self.all(css)) > 0

    def links(self, css="main a"):
        return [(a.text, a.get_attribute("href")) for a in self.all(css)]

    def click_link(self, text):
        from selenium.webdriver.common.by import By
        return self.click(self.d.find_element(By.LINK_TEXT, text))

    def scripts_ran(self):
        """Did any script of the page's own run? (The tests' markers set
        window.__ld_xss; a CSP without inline scripts keeps it unset.)"""
        return self.d.execute_script("return window.__ld_xss === 1")

    # --- logging in and out ---------------------------------------------
    def login(self, name, password=PASSWORD, expect_ok=True):
        self.go("/login")
        self.fill("user", name, by_id=True)
        self.fill("password", password, by_id=True)
        self.click(self.one("form.login button[type=submit]"))
        if expect_ok and self.path != "/":
            raise RuntimeError("%s could not log in at %s: %s" %
                               (name, self.var, self.text("main")))
        self.name = name
        return self

    def logout(self):
        self.click(self.one("form.logout button[type=submit]"))
        return self

    # --- forms (wip-forms' stable ids: f-FIELD, err-FIELD, submit) -------
    def field(self, name, by_id=False):
        return self.one("#" + (name if by_id else "f-" + name))

    def fill(self, name, value, by_id=False):
        """Set a form field whatever its kind: text and textarea (typed),
        select (by the option's value or its text), file (a path),
        checkbox group (a list of values: div#f-NAME holding inputs)."""
        from selenium.webdriver.support.ui import Select
        el = self.field(name, by_id)
        tag = el.tag_name.lower()
        typ = (el.get_attribute("type") or "").lower()
        if tag == "select":
            s = Select(el)
            vals = value if isinstance(value, (list, tuple)) else [value]
            if s.is_multiple:
                s.deselect_all()
            for v in vals:
                opts = [o for o in s.options
                        if o.get_attribute("value") == v or
                        o.text.strip() == v]
                if not opts:
                    raise RuntimeError("no option %r in #f-%s" % (v, name))
                if s.is_multiple:
                    if not opts[0].is_selected():
                        opts[0].click()
                else:
                    s.select_by_value(opts[0].get_attribute("value"))
        elif tag == "input" and typ == "file":
            el.send_keys(value)
        elif tag == "input" and typ in ("checkbox", "radio"):
            if bool(value) != el.is_selected():
                el.click()
        elif tag in ("input", "textarea"):
            if typ == "date":
                # A date input takes typing in the locale's order; set the
                # value as the form sends it instead.
                self.d.execute_script("arguments[0].value = arguments[1]",
                                      el, value)
            else:
                el.clear()
                if isinstance(value, (list, tuple)):
                    value = "\n".join(value) if tag == "textarea" \
                        else " ".join(value)
                if value:
                    el.send_keys(value)
        else:
            # A group of checkboxes or radios inside #f-NAME.
            vals = value if isinstance(value, (list, tuple)) else [value]
            boxes = el.find_elements("css selector", "input")
            if not boxes:
                raise RuntimeError("#f-%s is a <%s> with no inputs" %
                                   (name, tag))
            for box in boxes:
                want = box.get_attribute("value") in vals
                if want != box.is_selected():
                    box.click()
        return self

    def unset_required(self):
        """Drop the browser's own checks (required, maxlength, pattern,
        type=date), so what the server says is what is tested."""
        self.d.execute_script(
            "for (const f of document.forms) f.noValidate = true;"
            "for (const e of document.querySelectorAll('input,textarea'))"
            "{ e.removeAttribute('maxlength');"
            "  if (e.type === 'date' || e.type === 'number')"
            "    e.type = 'text'; }")

    def submit(self):
        return self.click(self.one("#submit"))

    def click(self, el, timeout=30):
        """Click what loads a new page and wait until it has (the server
        may take its time: the login throttle, a 16 MiB upload)."""
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait
        timeout = timeout * SCALE
        from selenium.common.exceptions import WebDriverException
        old = self.one("html")
        el.click()

        def gone(_):
            # The old page's root is stale once the new page replaced
            # it. Chromium sometimes says so as "Node with given id does
            # not belong to the document" (an inspector error, not
            # StaleElementReferenceException): that is gone too.
            try:
                return ec.staleness_of(old)(_)
            except WebDriverException as e:
                if "does not belong to the document" in str(e):
                    return True
                raise
        WebDriverWait(self.d, timeout).until(gone)
        WebDriverWait(self.d, timeout).until(
            lambda d: d.execute_script("return document.readyState") ==
            "complete")
        return self

    def error(self, name):
        """The message beside field name, or None."""
        els = self.all("#err-" + name)
        return els[0].text.strip() if els else None

    def errors(self):
        return {e.get_attribute("id")[4:]: e.text.strip()
                for e in self.all("[id^='err-']") if e.text.strip()}

    # --- files ----------------------------------------------------------
    def download(self, link_css, timeout=30):
        """Click a link that downloads; the file's bytes and name."""
        before = set(os.listdir(self.downloads))
        self.one(link_css).click()
        deadline = time.time() + timeout
        while time.time() < deadline:
            new = [f for f in set(os.listdir(self.downloads)) - before
                   if not f.endswith(".crdownload")]
            if new:
                p = os.path.join(self.downloads, new[0])
                time.sleep(0.2)
                with open(p, "rb") as f:
                    return new[0], f.read()
            time.sleep(0.2)
        raise RuntimeError("no download within %d s" % timeout)

    def cookie(self, name):
        c = self.d.get_cookie(name)
        return c["value"] if c else None

    def shot(self, path, full=False):
        """A PNG of the viewport (or the whole page if full)."""
        if full:
            h = self.d.execute_script(
                "return document.documentElement.scrollHeight")
            w = self.d.execute_script("return window.innerWidth")
            self.size(w, max(h, 200))
        self.d.save_screenshot(path)


def poll(what, fn, timeout=30, every=0.3):
    """fn() until it is true (bounded); its last value."""
    deadline = time.time() + timeout * SCALE
    while True:
        v = fn()
        if v:
            return v
        if time.time() > deadline:
            raise RuntimeError("waited %d s for %s" % (timeout, what))
        time.sleep(every)


def main(test, argv):
    """A test file's entry: BUILD_DIR as the one argument."""
    if len(argv) != 2:
        print("usage: %s BUILD_DIR" % argv[0], file=sys.stderr)
        return 2
    skip_unless_ready(argv[1])
    f = Failures()
    t = None
    try:
        with Tree(argv[1], keep=bool(os.environ.get("LD_KEEP"))) as t:
            test(t, f)
            if f.failed:
                raise AssertionError("%d checks failed" % len(f.failed))
    except AssertionError:
        pass
    except BaseException:
        traceback.print_exc()
        f.failed.append("the test stopped early (above)")
    if t is not None:
        f.failed.extend(t.problems)
    for w in f.failed:
        log("FAILED: " + w)
    return 1 if f.failed else 0
