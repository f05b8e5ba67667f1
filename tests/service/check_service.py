#!/usr/bin/python3
# check_service.py — liandongd and liandong-web as systemd runs them,
# with a harness that speaks the notify protocol: READY=1 only once
# api.sock exists, STATUS= lines, WATCHDOG=1 when WATCHDOG_USEC is set,
# STOPPING=1 on SIGTERM; log lines with <N> priorities on the journal's
# stream; SIGHUP reloading (log level, a child added to the allow-list
# file taking effect, a [node] change named as needing a restart, a broken
# file leaving the node up), never stopping the daemon.
#
#   check_service.py BUILD_DIR
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from ldports import free_port  # noqa: E402

build = os.path.abspath(sys.argv[1])
CLI = os.path.join(build, "clients", "liandong")
DAEMON = os.path.join(build, "daemon", "liandongd")
WEB = os.path.join(build, "web", "liandong-web")
work = tempfile.mkdtemp(prefix="ld-service.")
procs = []  # our own daemons, killed at the end


def fail(msg):
    print("check_service: FAIL: " + msg, file=sys.stderr)
    raise SystemExit(1)




def cli(*args, check=True):
    r = subprocess.run([CLI] + list(args), capture_output=True, text=True,
                       timeout=30)
    if check and r.returncode != 0:
        fail("liandong %s: %s" % (" ".join(args), r.stderr.strip()))
    return r


class Notify:
    """A NOTIFY_SOCKET: a unix datagram socket in the work directory, read
    all the time by a thread, as systemd does (a sender blocks once a few
    datagrams wait unread)."""

    def __init__(self, name):
        self.path = os.path.join(work, name + ".notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.msgs = []
        self.seen = 0  # messages wait() has looked at
        self.cv = threading.Condition()
        self.done = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while not self.done:
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.cv:
                self.msgs.append(data)
                self.cv.notify_all()

    def skip(self):
        """Later waits look only at messages from now on."""
        with self.cv:
            self.seen = len(self.msgs)

    def wait(self, pred, timeout, what):
        """The first message from the last one looked at on that
        satisfies pred; bounded by timeout."""
        end = time.monotonic() + timeout
        with self.cv:
            while True:
                while self.seen < len(self.msgs):
                    m = self.msgs[self.seen]
                    self.seen += 1
                    if pred(m):
                        return m
                left = end - time.monotonic()
                if left <= 0:
                    fail("no %s within %s s (got %r)"
                         % (what, timeout, self.msgs[-20:]))
                self.cv.wait(left)


class Daemon:
    def __init__(self, argv, notify, env_extra=None, journal=False):
        env = dict(os.environ)
        env["NOTIFY_SOCKET"] = notify.path
        env.update(env_extra or {})
        self.log_path = os.path.join(work, "%s.log" % notify.path)
        r, w = os.pipe()
        if journal:
            st = os.fstat(w)
            env["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
        self.p = subprocess.Popen(argv, env=env, stderr=w,
                                  stdout=subprocess.DEVNULL)
        os.close(w)
        os.set_blocking(r, False)
        self.r = r
        self.text = ""
        procs.append(self.p)

    def log(self):
        try:
            while True:
                b = os.read(self.r, 65536)
                if not b:
                    break
                self.text += b.decode(errors="replace")
        except BlockingIOError:
            pass
        return self.text

    def wait_log(self, pattern, timeout, start=0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.search(pattern, self.log()[start:], re.M)
            if m:
                return m
            if self.p.poll() is not None:
                fail("daemon exited (%s) waiting for %r; log:\n%s"
                     % (self.p.returncode, pattern, self.log()))
            time.sleep(0.05)
        fail("no log line %r within %s s; log:\n%s"
             % (pattern, timeout, self.log()))

    def alive(self):
        return self.p.poll() is None

    def hup(self):
        mark = len(self.log())
        self.p.send_signal(signal.SIGHUP)
        return mark

    def stop(self, timeout=10):
        self.p.send_signal(signal.SIGTERM)
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            fail("did not stop within %s s on SIGTERM" % timeout)


def node_ready():
    """An insecure node: READY after api.sock, STATUS, WATCHDOG, journal
    priorities, reloads that keep it up, STOPPING on SIGTERM."""
    d = os.path.join(work, "solo")
    cli("init", "--data", d, "--id", "530000", "--name", "云南省政协",
        "--insecure")
    sock = os.path.join(d, "api.sock")
    n = Notify("solo")
    # WATCHDOG_PID unset: sd_watchdog_enabled takes it as ours.
    dm = Daemon([DAEMON, "--data", d], n, {"WATCHDOG_USEC": "400000"},
                journal=True)
    ready = n.wait(lambda m: "READY=1" in m, 15, "READY=1")
    if not os.path.exists(sock):
        fail("READY=1 came before api.sock existed")
    if "STATUS=node 530000" not in ready:
        fail("READY=1 without a STATUS= line: %r" % ready)
    # The watchdog: at least twice in a watchdog interval and a half.
    n.wait(lambda m: "WATCHDOG=1" in m, 2, "WATCHDOG=1")
    n.wait(lambda m: "WATCHDOG=1" in m, 2, "a second WATCHDOG=1")
    # On the journal's stream: sd-daemon priorities, no timestamps.
    dm.wait_log(r"^<6>INFO node 530000 .* up", 5)
    if re.search(r"^\d{4}-", dm.log(), re.M):
        fail("plain timestamped lines on the journal's stream:\n"
             + dm.log())

    # SIGHUP, nothing changed.
    mark = dm.hup()
    dm.wait_log(r"^<6>INFO reloaded: nothing changed$", 5, mark)
    # The log level and a scheduled report.
    with open(os.path.join(d, "liandong.conf"), "a") as f:
        f.write("\n[log]\nlevel = debug\n\n[report weekly]\n"
                "plugin = summary\nevery = 7d\npublish = none\n")
    mark = dm.hup()
    dm.wait_log(r"^<6>INFO reloaded: log level debug \(was info\), "
                r"\[report weekly\] added$", 5, mark)
    # The new schedule runs (about a second after it is made).
    dm.wait_log(r"report weekly: written to", 20, mark)
    # A schedule changed while its report runs waits for it to end.
    plugins = os.path.join(build, "tests", "plugins", "lib")
    with open(os.path.join(d, "liandong.conf"), "a") as f:
        f.write("\n[report]\nplugin_dir = %s\ntimeout_s = 3\n\n"
                "[report slow]\nplugin = hang\nevery = 1d\npublish = none\n"
                % plugins)
    mark = dm.hup()
    dm.wait_log(r"^<6>INFO reloaded: \[report\] plugin_dir %s, \[report\] "
                r"limits, \[report slow\] added$" % re.escape(plugins), 5,
                mark)
    dm.wait_log(r"report slow: running plugin hang", 10, mark)
    conf = os.path.join(d, "liandong.conf")
    text = open(conf).read()
    open(conf, "w").write(text.replace("every = 1d", "every = 2d"))
    mark = dm.hup()
    dm.wait_log(r"^<6>INFO reloaded: \[report slow\] changed, \(the "
                r"schedule changes when the running report or hook ends\)$",
                5, mark)
    dm.wait_log(r"^<3>ERROR report slow: killed after 3 s", 10, mark)
    dm.wait_log(r"^<6>INFO reloaded: the new report schedule and hook apply "
                r"now$", 5, mark)
    # Made again, the schedule keeps when each report last ran: weekly
    # does not run again.
    time.sleep(1.5)
    if "report weekly: running" in dm.log()[mark:]:
        fail("the weekly report ran again after the reload")
    # A [node] change needs a restart, and says so, at warning priority.
    conf = os.path.join(d, "liandong.conf")
    text = open(conf).read()
    open(conf, "w").write(text.replace(
        "[node]\n", "[node]\nlisten = tcp://127.0.0.1:%d\n" % free_port(), 1))
    mark = dm.hup()
    dm.wait_log(r"^<4>WARN reloaded: nothing changed; not reloaded, restart "
                r"the node to take: \[node\] listen$", 5, mark)
    # A mistake: logged, the node stays up with what it runs.
    with open(conf, "a") as f:
        f.write("this is not a key\n")
    nlines = len(open(conf).read().splitlines())
    mark = dm.hup()
    dm.wait_log(r"^<3>ERROR reload: could not reload: %s:%d: not a 'key = "
                r"value' line or a \[section\] header \(the running "
                r"configuration stays\)$" % (re.escape(os.path.realpath(conf)),
                                              nlines), 5, mark)
    time.sleep(0.3)
    if not dm.alive():
        fail("SIGHUP stopped the daemon")
    cli("--data", d, "status")
    # SIGTERM: STOPPING=1, exit 0, api.sock gone.
    n.skip()
    dm.p.send_signal(signal.SIGTERM)
    n.wait(lambda m: "STOPPING=1" in m, 10, "STOPPING=1")
    rc = dm.p.wait(10)
    if rc != 0:
        fail("exit %d after SIGTERM" % rc)
    if os.path.exists(sock):
        fail("api.sock left behind after a clean stop")
    dm.wait_log(r"node 530000 stopping", 1)
    print("check_service: READY after api.sock, STATUS, WATCHDOG, journal "
          "priorities, reloads, STOPPING: ok")


def allow_list_reload():
    """A child written into the parent's children file takes effect on
    SIGHUP (no 'liandong child add', which asks the daemon itself)."""
    port = free_port()
    p = os.path.join(work, "prov")
    c = os.path.join(work, "city")
    cli("init", "--data", p, "--id", "530000", "--name", "云南省政协",
        "--listen", "tcp://127.0.0.1:%d" % port)
    pk = json.loads(cli("key", "show", "--data", p, "--json").stdout)
    cli("init", "--data", c, "--id", "530000/530300", "--name", "曲靖市政协",
        "--parent", "tcp://127.0.0.1:%d" % port, "--parent-key", pk["key"],
        "--root-key", pk["root_key"])
    ck = json.loads(cli("key", "show", "--data", c, "--json").stdout)
    np, nc = Notify("prov"), Notify("city")
    dp = Daemon([DAEMON, "--data", p], np)
    np.wait(lambda m: "READY=1" in m, 15, "READY=1 (province)")
    # The city is enrolled in the file only; the running province learns
    # of it from SIGHUP alone. (A city started before it is enrolled is
    # refused by the secure handshake, which libzmq does not retry.)
    with open(os.path.join(p, "children"), "a") as f:
        f.write("530000/530300 %s\n" % ck["key"])
    mark = dp.hup()
    dp.wait_log(r"INFO reloaded: children 1 \(was 0\), admins 0$", 5, mark)
    dc = Daemon([DAEMON, "--data", c], nc)
    nc.wait(lambda m: "READY=1" in m, 15, "READY=1 (city)")
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if re.search(r"^parent .*: up$", cli("--data", c, "status").stdout,
                     re.M):
            break
        time.sleep(0.2)
    else:
        fail("the city did not connect after the reload; province log:\n"
             + dp.log() + "\ncity log:\n" + dc.log())
    if not dp.alive():
        fail("the province stopped")
    # Revoked in the file: SIGHUP ends its session at once.
    open(os.path.join(p, "children"), "w").close()
    mark = dp.hup()
    dp.wait_log(r"WARN link: child 530000/530300 revoked; its session ends "
                r"now$", 5, mark)
    dp.wait_log(r"INFO reloaded: children 0 \(was 1\), admins 0$", 5, mark)
    if dc.stop() != 0 or dp.stop() != 0:
        fail("a daemon did not exit 0")
    print("check_service: a child added to the children file and a "
          "SIGHUP: connected: ok")


def web_notify():
    """liandong-web: READY=1 once serving, SIGHUP logs and keeps it up,
    STOPPING=1 on SIGTERM."""
    d = os.path.join(work, "console")
    cli("init", "--data", d, "--id", "530000", "--name", "云南省政协",
        "--insecure")
    n0 = Notify("console")
    dm = Daemon([DAEMON, "--data", d], n0)
    n0.wait(lambda m: "READY=1" in m, 15, "READY=1 (node)")
    port = free_port()
    n = Notify("web")
    w = Daemon([WEB, "--data", d, "--listen", "127.0.0.1:%d" % port], n,
               {"WATCHDOG_USEC": "400000"})
    ready = n.wait(lambda m: "READY=1" in m, 15, "READY=1 (web)")
    if "STATUS=serving http://127.0.0.1:%d/" % port not in ready:
        fail("web READY=1 without its STATUS: %r" % ready)
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.close()
    n.wait(lambda m: "WATCHDOG=1" in m, 2, "WATCHDOG=1 (web)")
    mark = w.hup()
    w.wait_log(r"INFO reloaded: users are read again when DIR/users "
               r"changes; \[web\] unchanged", 5, mark)
    time.sleep(0.2)
    if not w.alive():
        fail("SIGHUP stopped liandong-web")
    n.skip()
    w.p.send_signal(signal.SIGTERM)
    n.wait(lambda m: "STOPPING=1" in m, 10, "STOPPING=1 (web)")
    if w.p.wait(10) != 0:
        fail("liandong-web did not exit 0")
    dm.stop()
    print("check_service: liandong-web READY, WATCHDOG, SIGHUP, STOPPING: ok")


try:
    node_ready()
    allow_list_reload()
    web_notify()
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    shutil.rmtree(work, ignore_errors=True)
