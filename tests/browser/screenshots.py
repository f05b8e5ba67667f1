#!/usr/bin/python3
# screenshots.py — PNGs of the console's main pages at desk (1280×900)
# and phone (390×844) width, on the README's story 2 as it stands at its
# end (written here with the CLI, as the README does, each write --as
# the person who makes it), with 太白 yet to report and 岐山's result
# yet to be reviewed, so the result and review forms have something to
# show. The committed ones are docs/screenshots/; the test run makes
# them in the build directory, where they can be looked at.
#
#   tests/browser/screenshots.py BUILD_DIR [OUT_DIR]
#       OUT_DIR defaults to BUILD_DIR/screenshots; exit 77 if chromium,
#       chromedriver or selenium is missing.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ldbrowser as lb  # noqa: E402

DESK, PHONE = (1280, 900), (390, 844)


def seed(t):
    """Story 2 through the CLI; the ids of what the pages show."""
    ids = t.ids

    def w(var, *args, who):
        r = t.cli(var, *args, "--as", who)
        if r.returncode != 0:
            raise RuntimeError("%s %s: %s" % (var, args[:2], r.stderr))
        return r.stdout.strip()
    task = w("P", "task", "add", "--topic", "秦岭生态环境保护三级联动民主监督",
             "--form", "监督性视察", "--scope", ids["C1"], "--scope",
             ids["C2"], "--due", lb.today(28), who="王敏")
    t.wait("C1", task)
    s1 = w("C1", "task", "add", "--parent-task", task, "--topic",
           "秦岭北麓违建整治监督", "--form", "监督性视察", "--scope",
           ids["X11"], "--scope", ids["X12"], "--due", lb.today(12),
           who="刘洋")
    t.wait("C2", task)
    s2 = w("C2", "task", "add", "--parent-task", task, "--topic",
           "秦岭西段水源地保护监督", "--form", "明查暗访", "--scope",
           ids["X21"], "--scope", ids["X22"], "--due", lb.today(-3),
           who="张伟")
    t.wait("X11", s1)
    r11 = w("X11", "result", "add", "--ref", s1, "--summary",
            "排查违建12处，已拆除9处", "--metric", "违建=12", "--metric",
            "已拆除=9", who="李娜")
    t.wait("X12", s1)
    r12 = w("X12", "result", "add", "--ref", s1, "--summary", "排查完成",
            who="赵磊")
    rep = os.path.join(t.root, "岐山调研报告.txt")
    with open(rep, "w", encoding="utf-8") as fh:
        fh.write("岐山县秦岭水源地保护调研报告\n水源地3处，已全部整改。\n")
    t.wait("X21", s2)
    r21 = w("X21", "result", "add", "--ref", s2, "--summary",
            "水源地3处全部整改", "--attach", rep, who="孙丽")
    t.wait("C1", r11)
    t.wait("C1", r12)
    w("C1", "review", "add", "--ref", r11, "--verdict", "accepted",
      who="陈静")
    rv = w("C1", "review", "add", "--ref", r12, "--verdict", "退回",
           "--comment", "缺少违建清单", who="陈静")
    t.wait("X12", rv)
    t.wait("X22", s2)
    t.wait("C2", r21)
    for rid in (r11, r21, rv, s1, s2):
        t.wait("P", rid)
    return {"task": task, "s1": s1, "s2": s2, "r12": r12, "r21": r21}


def take(t, out, shots_only=None):
    os.makedirs(out, exist_ok=True)
    for var in ("P", "C2", "X12", "X22"):
        t.web(var)
    for var, name, role in (("P", "王敏", "clerk"), ("C2", "吴审", "reviewer"),
                            ("X12", "赵磊", "clerk"),
                            ("X22", "钱进", "clerk")):
        t.user(var, name, role)
    ids = seed(t)
    # name, office, person, path, at phone width too, the whole page
    # (a form down to its button, every figure) rather than the window
    pages = [
        ("login", "P", None, "/login", True, False),
        ("home", "X12", "赵磊", "/", True, False),
        ("tasks", "P", "王敏", "/tasks", True, False),
        ("task", "P", "王敏", "/r/" + ids["task"], True, False),
        ("progress", "P", "王敏", "/tasks/%s/progress" % ids["task"], True,
         False),
        ("result-form", "X22", "钱进", "/r/%s/result" % ids["s2"], True,
         True),
        ("review-form", "C2", "吴审", "/r/%s/review" % ids["r21"], False,
         True),
        ("stats", "P", "王敏", "/stats", True, True),
        ("node", "P", "王敏", "/node", False, False),
    ]
    made, missing = [], []
    browsers = {}
    for name, var, who, path, phone, full in pages:
        if shots_only and name not in shots_only:
            continue
        key = (var, who)
        if key not in browsers:
            browsers[key] = t.browser(var, who)
        b = browsers[key]
        for tag, (w, h) in (("desk", DESK), ("phone", PHONE)):
            if tag == "phone" and not phone:
                continue
            b.size(w, h)
            b.go(path)
            if b.title.startswith(("页面不存在", "无权访问", "服务出错")):
                missing.append("%s (%s: %s)" % (name, path, b.title))
                break
            f = os.path.join(out, "%s-%s.png" % (name, tag))
            b.shot(f, full=full)
            made.append(f)
        b.size(*DESK)
    for f in made:
        lb.log("made %s (%d bytes)" % (f, os.path.getsize(f)))
    for m in missing:
        lb.log("not in this build: " + m)
    return made, missing


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: %s BUILD_DIR [OUT_DIR]" % argv[0], file=sys.stderr)
        return 2
    lb.skip_unless_ready(argv[1])
    out = os.path.abspath(argv[2] if len(argv) == 3 else
                          os.path.join(argv[1], "screenshots"))
    with lb.Tree(argv[1]) as t:
        made, _ = take(t, out)
    return 0 if made else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
