#!/usr/bin/python3
# check_config_check.py — 'liandong config check', like slaptest: a good
# configuration (a data directory, a file) exits 0; a broken one exits 1
# with every mistake as FILE:LINE: reason, exactly, in file order, then
# the rules between keys and the files the configuration names.
#
#   check_config_check.py BUILD_DIR
import os
import shutil
import subprocess
import sys
import tempfile

build = os.path.abspath(sys.argv[1])
CLI = os.path.join(build, "clients", "liandong")
work = os.path.realpath(tempfile.mkdtemp(prefix="ld-confcheck."))
failures = []


def run(*args, env=None):
    e = dict(os.environ)
    e.pop("LIANDONG_DATA", None)
    e.update(env or {})
    return subprocess.run([CLI] + list(args), capture_output=True, text=True,
                          timeout=30, env=e)


def expect(name, r, code, stderr=None, stdout=None):
    if r.returncode != code:
        failures.append("%s: exit %d, wanted %d\nstderr:\n%s"
                        % (name, r.returncode, code, r.stderr))
    if stderr is not None and r.stderr != stderr:
        failures.append("%s: stderr\n%s\nwanted\n%s" % (name, r.stderr,
                                                         stderr))
    if stdout is not None and r.stdout != stdout:
        failures.append("%s: stdout\n%s\nwanted\n%s" % (name, r.stdout,
                                                         stdout))


try:
    # A good data directory (secure: keys, no children yet).
    d = os.path.join(work, "prov")
    r = run("init", "--data", d, "--id", "530000", "--name", "云南省政协",
            "--listen", "tcp://127.0.0.1:7100")
    assert r.returncode == 0, r.stderr
    conf = os.path.join(d, "liandong.conf")
    expect("good --data", run("config", "check", "--data", d), 0, "",
           "%s: configuration OK (node 530000, province)\n" % conf)
    expect("good LIANDONG_DATA", run("config", "check",
                                     env={"LIANDONG_DATA": d}), 0, "")
    expect("good FILE", run("config", "check", conf), 0, "",
           "%s: configuration OK (node 530000, province)\n" % conf)
    expect("nothing to check", run("config", "check"), 2)

    # A broken file: every mistake, each at its line.
    plugdir = os.path.join(work, "plugins")
    os.mkdir(plugdir)
    notfile = os.path.join(work, "not-a-dir")
    open(notfile, "w").close()
    noexec = os.path.join(work, "hook.sh")
    open(noexec, "w").write("#!/bin/sh\n")
    os.chmod(noexec, 0o644)
    bad = os.path.join(work, "bad.conf")
    lines = [
        "[node]",                                   # 1
        "id = 530000/530300",                       # 2
        "name = 曲靖市政协",                        # 3
        "colour = red",                             # 4
        "parent = tcp://127.0.0.1:7100",            # 5
        "parent_key = nope",                        # 6
        "this is junk",                             # 7
        "[link]",                                   # 8
        "credit = 999",                             # 9
        "credit = 8",                               # 10
        "[report weekly]",                          # 11
        "plugin = nosuch",                          # 12
        "every = 7d",                               # 13
        "[report daily]",                           # 14
        "format = md",                              # 15
        "[web]",                                    # 16
        "cert = missing.crt",                       # 17
        "[notify]",                                 # 18
        "command = %s --flag" % noexec,             # 19
        "[report]",                                 # 20
        "plugin_dir = %s" % notfile,                # 21
        "[log]",                                    # 22
        "level = loud",                             # 23
        "; " + "x" * 250,                           # 24: too long
    ]
    open(bad, "w").write("\n".join(lines) + "\n")
    want = [
        "%s:4: unknown key 'colour' in section [node]",
        "%s:6: parent_key: not a liandong key (expected ldk1.CURVE.SIGN as "
        "printed by 'liandong key show')",
        "%s:7: not a 'key = value' line or a [section] header",
        "%s:9: credit: must be a whole number from 1 to 64",
        "%s:10: credit: given twice (or continued on an indented line)",
        "%s:23: level: must be error, warn, info or debug",
        "%s:24: longer than 199 bytes",
        "%s: [node] root_key is missing (the root office's key, pinned at "
        "init)",
        "%s: [report daily] needs plugin = NAME and every = DURATION "
        "(e.g. 7d)",
        "%s: [web] cert and key go together (both PEM files, for HTTPS) or "
        "not at all",
        "%%s:21: plugin_dir: %s: not a directory" % notfile,
        "%%s:12: plugin: %s/nosuch.so: Not a directory" % notfile,
        "%%s:17: cert: %s/missing.crt: No such file or directory" % work,
        "%%s:19: command: %s: not found or not executable" % noexec,
    ]
    expect("broken FILE", run("config", "check", bad), 1,
           "".join(w % bad + "\n" for w in want), "")

    # The files of a data directory: its key, its children.
    city = os.path.join(work, "city")
    shutil.copytree(d, city)
    open(os.path.join(city, "children"), "w").write(
        "530000/530300 ldk1.nope\n")
    os.unlink(os.path.join(city, "keys", "node.key"))
    r = run("config", "check", "--data", city)
    expect("broken data directory", r, 1)
    got = r.stderr.splitlines()
    if len(got) != 2 or not got[0].startswith(
            os.path.join(city, "keys", "node.key")) or not got[1].startswith(
            os.path.join(city, "children") + ":1: "):
        failures.append("broken data directory: stderr\n%s" % r.stderr)

    # A plugin_dir that exists, a report whose plugin is there, an
    # executable hook: good again.
    open(os.path.join(plugdir, "summary.so"), "w").close()
    os.chmod(noexec, 0o755)
    with open(conf, "a") as f:
        f.write("[report]\nplugin_dir = %s\n[report weekly]\nplugin = "
                "summary\nevery = 7d\n[notify]\ncommand = %s\n"
                % (plugdir, noexec))
    expect("good with files", run("config", "check", "--data", d), 0, "")
    # The daemon still stops at the first mistake, naming it.
    bd = os.path.join(work, "bd")
    os.mkdir(bd)
    shutil.copy(bad, os.path.join(bd, "liandong.conf"))
    r = subprocess.run([os.path.join(build, "daemon", "liandongd"),
                        "--data", bd], capture_output=True, text=True,
                       timeout=30)
    first = ("ERROR config: %s/liandong.conf:4: unknown key 'colour' in "
             "section [node]\n" % bd)
    if r.returncode != 1 or not r.stderr.endswith(first) or \
            r.stderr.count("\n") != 1:
        failures.append("liandongd on the broken file: exit %d\n%s"
                        % (r.returncode, r.stderr))
finally:
    shutil.rmtree(work, ignore_errors=True)

if failures:
    print("check_config_check: FAIL\n" + "\n\n".join(failures),
          file=sys.stderr)
    sys.exit(1)
print("check_config_check: good and broken configurations: ok")
