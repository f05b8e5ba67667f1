#!/usr/bin/python3
# test_story.py — the README's story 2 (三级联动民主监督) played through
# the console's pages only, by seven people at five offices, each in a
# browser of their own: the province publishes the task to 西安 and 宝鸡;
# each city derives a sub-task (转办) for its counties, 宝鸡's already
# past due; 临潼, 周至 and 岐山 report, 岐山 with an attachment uploaded
# through the file input; 西安's reviewer accepts 临潼's and returns
# 周至's (缺少违建清单); 周至 sees the return on its 工作台 and resubmits;
# the province's progress page shows each office's state as the README's
# table does, and the province downloads 岐山's attachment, byte for
# byte. Record pages name their authors.
#
# Nothing is written with the CLI: it only waits for replication (bounded
# waits). The pages ask the node with today = "" (the daemon's clock) and
# have no way to fix "today", so the due dates are relative to the real
# date: the province's and 西安's in the future, 宝鸡's three days ago.
#   test_story.py BUILD_DIR      (exit 77 = skipped, with the reason)
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ldbrowser as lb  # noqa: E402

TOPIC = "秦岭生态环境保护三级联动民主监督"
REPORT = "岐山县秦岭水源地保护调研报告\n水源地3处，已全部整改。\n".encode()

# The people: office, name, role.
PEOPLE = [
    ("P", "王敏", "clerk"), ("P", "周阅", "reader"),
    ("C1", "刘洋", "clerk"), ("C1", "陈静", "reviewer"),
    ("C2", "张伟", "clerk"),
    ("X11", "李娜", "clerk"), ("X12", "赵磊", "clerk"),
    ("X21", "孙丽", "clerk"),
]


def record_id(b):
    """The id of the record page the browser is on (/r/ID)."""
    m = re.match(r"^/r/([^?#]+)$", b.path)
    if not m:
        raise RuntimeError("not on a record page but %s: %s" %
                           (b.path, b.text("main")[:200]))
    return urllib.parse.unquote(m.group(1))


def kv(b):
    """The record page's table of fields: label -> text."""
    out = {}
    for tr in b.all("table.kv tr"):
        th = tr.find_elements("css selector", "th")
        td = tr.find_elements("css selector", "td")
        if th and td:
            out[th[0].text.strip()] = td[0].text.strip()
    return out


def publish(b, f, topic, form, scope, due, parent=None):
    """新建督办任务 (or 转办 from parent): the new task's id."""
    if parent:
        # From the parent's page, its 转办 button.
        b.go("/r/" + parent)
        b.click(b.one("#act-derive"))
        f.check(b.path.startswith("/tasks/new?parent=") and
                parent in b.html(), "转办: the form names the parent task")
    else:
        b.go("/tasks")
        if b.has("a[href='/tasks/new']"):
            b.click(b.one("a[href='/tasks/new']"))
        else:
            lb.log("note: /tasks has no link to /tasks/new; going there")
            b.go("/tasks/new")
    b.fill("topic", topic).fill("form", form).fill("scope", scope)
    b.fill("due", due)
    b.submit()
    tid = record_id(b)
    f.check(topic in b.text("main"), "published %s: %s" % (tid, topic))
    return tid


def inbox_rows(b):
    """工作台's rows: (action, kind, content, from, due) texts."""
    b.go("/")
    rows = []
    for tr in b.all("main table tbody tr"):
        rows.append([td.text.strip() for td in
                     tr.find_elements("css selector", "td")])
    return rows


def report(b, f, task, summary, metrics=None, attach=None):
    b.go("/r/" + task)
    b.click(b.one("#act-result"))
    b.fill("summary", summary)
    if metrics:
        b.fill("metric", metrics)
    if attach:
        b.fill("attach", attach)
    b.submit()
    rid = record_id(b)
    f.check(summary in b.text("main"), "reported %s: %s" % (rid, summary))
    return rid


def answer_links(b):
    """The ids a record page lists under what answers it."""
    out = set()
    for a in b.all("main table:not(.kv) a[href^='/r/']"):
        out.add(urllib.parse.unquote(
            urllib.parse.urlsplit(a.get_attribute("href")).path[3:]))
    return out


def review(b, f, result, verdict, comment=None):
    """审核 from the result's page; the page goes back to the result,
    which lists the new review: its id."""
    b.go("/r/" + result)
    before = answer_links(b)
    b.click(b.one("#act-review"))
    b.fill("verdict", verdict)
    if comment:
        b.fill("comment", comment)
    b.submit()
    new = answer_links(b) - before if record_id(b) == result else set()
    f.check(len(new) == 1, "reviewed %s: %s %s, the result's page lists "
            "the review" % (result, verdict, comment or ""))
    return new.pop() if new else ""


def progress_rows(b, task):
    """The progress page's rows: path -> (state class, label, due,
    result cell)."""
    b.go("/tasks/%s/progress" % task)
    rows = {}
    for tr in b.all("table.progress tbody tr"):
        cls = tr.get_attribute("class") or ""
        if "group" in cls.split():
            continue
        tds = tr.find_elements("css selector", "td")
        path = tds[0].find_element("css selector", "span").text.strip()
        state = re.search(r"state-(\w+)", cls)
        rows[path] = (state.group(1) if state else "", tds[1].text.strip(),
                      tds[2].text.strip(), tds[3].text.strip())
    return rows


def test(t, f):
    ids = t.ids
    for var in ("P", "C1", "C2", "X11", "X12", "X21"):
        t.web(var)
    for var, name, role in PEOPLE:
        t.user(var, name, role)
    due_p, due_c1, due_c2 = lb.today(28), lb.today(12), lb.today(-3)
    me = {name: t.browser(var, name) for var, name, role in PEOPLE
          if role != "reader"}

    # The province publishes the task to both cities.
    task = publish(me["王敏"], f, TOPIC, "监督性视察", [ids["C1"], ids["C2"]],
                   due_p)
    f.check(kv(me["王敏"]).get("填报人") == "王敏",
            "the task's page names its author 王敏")

    # Each city sees it on its 工作台 and passes it on (转办).
    t.wait("C1", task)
    rows = inbox_rows(me["刘洋"])
    f.check(any(TOPIC in r[2] for r in rows),
            "西安's 工作台 lists the province's task")
    s1 = publish(me["刘洋"], f, "秦岭北麓违建整治监督", "监督性视察",
                 [ids["X11"], ids["X12"]], due_c1, parent=task)
    t.wait("C2", task)
    s2 = publish(me["张伟"], f, "秦岭西段水源地保护监督", "明查暗访",
                 [ids["X21"], ids["X22"]], due_c2, parent=task)
    f.check(kv(me["张伟"]).get("截止日期", due_c2).startswith(due_c2),
            "宝鸡's sub-task is due %s (past)" % due_c2)

    # Three counties report; 岐山 attaches its survey report.
    t.wait("X11", s1)
    rows = inbox_rows(me["李娜"])
    f.check(any("秦岭北麓违建整治监督" in r[2] and r[0] == "待报送"
                for r in rows), "临潼's 工作台: 西安's sub-task, 待报送")
    r11 = report(me["李娜"], f, s1, "排查违建12处，已拆除9处",
                 metrics=["违建=12", "已拆除=9"])
    t.wait("X12", s1)
    r12 = report(me["赵磊"], f, s1, "排查完成")
    path = os.path.join(t.root, "岐山调研报告.txt")
    with open(path, "wb") as fh:
        fh.write(REPORT)
    t.wait("X21", s2)
    rows = inbox_rows(me["孙丽"])
    f.check(any("秦岭西段水源地保护监督" in r[2] and "逾期" in r[4]
                for r in rows), "岐山's 工作台: 宝鸡's sub-task, 逾期")
    r21 = report(me["孙丽"], f, s2, "水源地3处全部整改", attach=path)
    f.check("岐山调研报告.txt" in me["孙丽"].text("main"),
            "岐山's result page names its attachment")

    # 西安's reviewer accepts 临潼's and returns 周至's.
    t.wait("C1", r11)
    t.wait("C1", r12)
    rows = inbox_rows(me["陈静"])
    f.check(sum(1 for r in rows if r[0] == "待审核") == 2,
            "西安's 工作台 (reviewer): two results 待审核")
    review(me["陈静"], f, r11, "accepted")
    rv = review(me["陈静"], f, r12, "returned", "缺少违建清单")

    # 周至 sees the return on its 工作台 and resubmits.
    t.wait("X12", rv)
    rows = inbox_rows(me["赵磊"])
    f.check(any(r[0] == "退回修改" and "缺少违建清单" in r[2] for r in rows),
            "周至's 工作台: 退回修改 with 退回意见：缺少违建清单")
    b = me["赵磊"]
    b.go("/r/" + r12)
    b.click(b.one("#act-edit"))
    b.fill("summary", "排查完成，附违建清单（7处）")
    b.submit()
    f.check(record_id(b) == r12 and "附违建清单" in b.text("main"),
            "周至 resubmitted its result")
    f.check(kv(b).get("版本") == "2", "周至's result is at version 2")

    # The province: every office's state, as the README's table.
    t.wait("P", r12, version=2)
    for rid in (r11, r21, rv, s1, s2):
        t.wait("P", rid)
    rd = t.browser("P", "周阅")
    rows = progress_rows(rd, task)
    want = {
        ids["C1"]: ("relayed", "已转办", due_p),
        ids["X11"]: ("reviewed", "已审核", due_c1),
        ids["X12"]: ("resubmitted", "已重报", due_c1),
        ids["C2"]: ("relayed", "已转办", due_p),
        ids["X21"]: ("reported", "已报送", due_c2),
        ids["X22"]: ("overdue", "逾期", due_c2),
    }
    for path, (state, label, due) in want.items():
        got = rows.get(path)
        f.check(got is not None and got[:3] == (state, label, due),
                "progress at the province, %s %s: %s %s %s (got %s)" %
                (lb.OFFICES[[k for k, v in ids.items() if v == path][0]],
                 path, state, label, due, got))
    f.check(len(rows) == 6, "six offices on the progress page (%d)" %
            len(rows))
    f.check(rows.get(ids["X12"], ("",) * 4)[3].endswith("v2"),
            "周至's row shows its result at v2")
    main = rd.text("main")
    for label, n in (("应报", 6), ("已报送", 3), ("已审核", 1),
                     ("已重报", 1), ("逾期", 1), ("已转办", 2)):
        f.check(re.search(r"%s\s*%d\b" % (label, n), main) is not None,
                "progress totals: %s %d" % (label, n))

    # Authors on the record pages, at the province.
    for rid, name in ((task, "王敏"), (s1, "刘洋"), (s2, "张伟"),
                      (r11, "李娜"), (r12, "赵磊"), (r21, "孙丽"),
                      (rv, "陈静")):
        rd.go("/r/" + rid)
        f.check(kv(rd).get("填报人") == name,
                "/r/%s names its author %s" % (rid, name))

    # The province downloads 岐山's attachment: the same bytes (the
    # chunks follow the result: poll the page, bounded).
    b = me["王敏"]

    def fetched():
        b.go("/r/" + r21)
        if not b.has("a[id^='att-']"):
            return None
        try:
            return b.download("a[id^='att-']", timeout=10)
        except RuntimeError:
            return None
    name, data = lb.poll("岐山's attachment at the province", fetched,
                         timeout=40, every=1)
    f.check(data == REPORT, "the province downloaded 岐山's report (%s, "
            "%d bytes): the same bytes" % (name, len(data)))


if __name__ == "__main__":
    sys.exit(lb.main(test, sys.argv))
