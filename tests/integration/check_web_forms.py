#!/usr/bin/python3
# check_web_forms.py — the console's forms against real nodes: a province
# and a city (insecure link), a liandong-web beside each. A task added
# through the form exists with its author; a bad due date is refused with
# the Chinese sentence beside the field and the CLI's words, nothing
# written; POST without CSRF and a reader's POST are 403; an edit from a
# stale version is refused; a status move lifecycle.c does not allow is
# refused, one it allows is made; the city answers with a result and an
# attachment whose download is byte for byte the upload; an upload of
# 16 MiB + 1 byte is refused beside the field with nothing written; a
# reviewer at the province returns the result; the province's /node lists
# the city under 下级节点 as `liandong status --tree` does, reporting, its
# link up connected. A 重点 proposal without its 督办 leader is refused
# beside 督办领导, nothing written; with one it is stored as `liandong
# proposal add` stores the same (cosigners, assisting, key, the deadline
# the node computes), and 延期 on an edit moves the deadline a month, once.
# Two members are added through /members/new (edited through 修改) and a
# duty entry for both through /duties/new. Every wait is bounded;
# only the processes started here are stopped, by their pid.
#   check_web_forms.py BUILD_DIR      (exit 77 = skipped)
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webtest  # noqa: E402
from webtest import (SessionClient, add_users, check, cli,  # noqa: E402
                     count, err_of, province_and_city, record, start_web,
                     wait_city_at, wait_for)


def scenario(root):
    prov, city = province_and_city(root)
    add_users(prov, (("张三", "clerk", "clerk-pass-1"),
                     ("读者", "reader", "reader-pass-1"),
                     ("王审", "reviewer", "review-pass-1")))
    add_users(city, (("李四", "clerk", "clerk-pass-2"),))
    wait_city_at(prov)
    pweb, cweb = start_web(prov).port, start_web(city).port

    clerk = SessionClient(pweb)
    clerk.login("张三", "clerk-pass-1")
    r = clerk.req("GET", "/tasks/new")
    check(r.status == 200 and 'id="f-topic"' in r.text and
          'id="f-due"' in r.text and 'id="submit"' in r.text and
          'value="530000/530300"' in r.text and "曲靖市政协" in r.text,
          "GET /tasks/new: the form, the city among the offices")

    # A bad due date: the Chinese sentence beside the field, the CLI's
    # words, the values kept, nothing written.
    before = count(prov, "task")
    form = {"csrf": clerk.token, "topic": "河道<治理>", "form": "监督性视察",
            "scope": ["530000/530300"], "due": "2026-13-01",
            "targets": "市水务局\n市生态环境局"}
    r = clerk.req("POST", "/tasks/new", form)
    e = err_of(r.text, "due")
    check(r.status == 422 and
          "截止日期：'2026-13-01' 不是日期（YYYY-MM-DD）" in e and
          "due: '2026-13-01' is not a date (YYYY-MM-DD)" in e,
          "bad due date refused beside the field: %d %r" % (r.status, e))
    check('value="河道&lt;治理&gt;"' in r.text and
          'value="530000/530300" checked' in r.text,
          "the values typed are kept, escaped")
    check(count(prov, "task") == before, "nothing written")

    # No CSRF token; a reader.
    bad = dict(form, due="2026-06-30")
    del bad["csrf"]
    r = clerk.req("POST", "/tasks/new", bad)
    check(r.status == 403, "POST without CSRF: 403 (%d)" % r.status)
    reader = SessionClient(pweb)
    reader.login("读者", "reader-pass-1")
    r = reader.req("POST", "/tasks/new", dict(bad, csrf=reader.token))
    check(r.status == 403, "a reader's POST /tasks/new: 403 (%d)" % r.status)
    r = reader.req("GET", "/tasks/new")
    check(r.status == 403, "a reader's GET /tasks/new: 403")
    check(count(prov, "task") == before, "still nothing written")

    # The task, written by the person.
    r = clerk.req("POST", "/tasks/new", dict(form, due="2026-06-30"))
    loc = r.headers.get("Location", "")
    check(r.status == 303 and loc.startswith("/r/530000:"),
          "task added: %d %s" % (r.status, loc))
    tid = loc[3:]
    t = record(prov, tid)
    check(t.get("author") == "张三" and
          t.get("targets") == ["市水务局", "市生态环境局"],
          "the task's author is 张三, its targets the lines: %r" % t)
    r = clerk.req("GET", "/r/" + tid)
    check('id="act-edit"' in r.text and 'action="/r/%s/status"' % tid in
          r.text, "its page offers edit and the status moves")
    r = reader.req("GET", "/r/" + tid)
    check(r.status == 200 and 'id="act-edit"' not in r.text and
          "/status" not in r.text, "a reader sees no write actions")

    # Edit: from the version shown; a stale base is refused.
    r = clerk.req("GET", "/r/%s/edit" % tid)
    check(r.status == 200 and 'name="base" value="1"' in r.text,
          "the edit form carries the version read")
    ed = dict(form, due="2026-07-31", base="1")
    r = clerk.req("POST", "/r/%s/edit" % tid, ed)
    check(r.status == 303 and record(prov, tid).get("version") == 2,
          "edited from v1 (%d)" % r.status)
    r = clerk.req("POST", "/r/%s/edit" % tid, dict(ed, topic="又改"))
    e = err_of(r.text, "form")
    check(r.status == 422 and "此记录在您打开之后已被修改" in e and
          "changed since it was read" in e, "a stale edit refused: %r" % e)
    check(record(prov, tid).get("topic") == "河道<治理>",
          "the stale edit wrote nothing")
    # Its page lists its versions: who wrote each, newest first.
    r = clerk.req("GET", "/r/" + tid)
    hist = r.text[r.text.find("历史版本"):]
    check("历史版本" in r.text and hist.find(">v2<") < hist.find(">v1<")
          and hist.count("张三") >= 2, "the page's 历史版本: v2, v1 by 张三")

    # Status moves: only those lifecycle.c allows.
    r = clerk.req("POST", "/r/%s/status" % tid,
                  {"csrf": clerk.token, "base": "2", "status": "closed"})
    e = err_of(r.text, "status")
    check(r.status == 422 and "不能从“已下发”变为“已办结”" in e,
          "dispatched → closed refused: %r" % e)
    r = clerk.req("POST", "/r/%s/status" % tid,
                  {"csrf": clerk.token, "base": "2",
                   "status": "in_progress"})
    check(r.status == 303 and
          record(prov, tid).get("status") == "in_progress",
          "dispatched → in_progress made")

    # A survey whose end is before its start.
    r = clerk.req("POST", "/surveys/new",
                  {"csrf": clerk.token, "topic": "乡村振兴调研", "form": "调研",
                   "scope": ["530000/530300"], "start": "2026-05-02",
                   "end": "2026-05-01"})
    e = err_of(r.text, "end")
    check(r.status == 422 and "结束日期：2026-05-01 早于开始日期 2026-05-02" in e,
          "survey end before start refused beside end: %r" % e)
    r = clerk.req("POST", "/surveys/new",
                  {"csrf": clerk.token, "topic": "乡村振兴调研", "form": "调研",
                   "scope": ["530000/530300"], "start": "2026-05-02",
                   "end": "2026-05-09"})
    check(r.status == 303, "survey added (%d)" % r.status)

    # A plan: a month out of range on row 2; a form missing on row 2 when
    # row 1 is blank (the node's "item 1" is row 2); then two items.
    plan = {"csrf": clerk.token, "year": "2026", "title": "2026年协商计划",
            "rows": "5", "item-1-form": "专题协商", "item-1-topic": "营商环境",
            "item-2-form": "对口协商", "item-2-month": "13",
            "item-2-topic": "饮用水源"}
    r = clerk.req("GET", "/plans/new")
    check(r.status == 200 and 'id="f-item-5-topic"' in r.text,
          "the plan form has five item rows")
    r = clerk.req("POST", "/plans/new", plan)
    e = err_of(r.text, "item-2-month")
    check(r.status == 422 and "不在 1 到 12 之间" in e and
          "month '13' is not 1-12" in e, "month 13 refused on row 2: %r" % e)
    r = clerk.req("POST", "/plans/new",
                  dict(plan, **{"item-1-form": "", "item-1-topic": "",
                                "item-2-form": "", "item-2-month": "3"}))
    e = err_of(r.text, "item-2-form")
    check(r.status == 422 and e.startswith("第 2 项形式：必填") and
          "item 1 form: required" in e,
          "the node's item 1 is shown on row 2: %r" % e)
    before = count(prov, "plan")
    r = clerk.req("POST", "/plans/new",
                  dict(plan, **{"item-2-month": "3", "item-3-form": "",
                                "year": "二〇二六"}))
    check(r.status == 422 and "年度：'二〇二六' 不是年份" in
          err_of(r.text, "year") and count(prov, "plan") == before,
          "a year that is not one refused, nothing written")
    r = clerk.req("POST", "/plans/new", dict(plan, **{"item-2-month": "3"}))
    pid = r.headers.get("Location", "")[3:]
    p = record(prov, pid)
    check(r.status == 303 and len(p.get("items", [])) == 2 and
          p.get("author") == "张三", "plan added with two items")
    r = clerk.req("POST", "/r/%s/status" % pid,
                  {"csrf": clerk.token, "base": "1", "item": "2",
                   "item-2-status": "held"})
    p = record(prov, pid)
    check(r.status == 303 and p["items"][1].get("status") == "held" and
          p["items"][0].get("status") == "planned",
          "plan item 2 moved to held (%d)" % r.status)

    # A proposal: a bad year, then one.
    r = clerk.req("POST", "/proposals/new",
                  {"csrf": clerk.token, "title": "关于河长制的提案",
                   "year": "abc", "status": "submitted"})
    check(r.status == 422 and "年度：'abc' 不是年份" in err_of(r.text, "year"),
          "proposal year refused beside the field")
    r = clerk.req("POST", "/proposals/new",
                  {"csrf": clerk.token, "title": "关于河长制的提案",
                   "number": "2026-001", "submitter": "民盟",
                   "year": "2026", "status": "submitted"})
    check(r.status == 303 and record(prov, r.headers.get("Location", "")[3:])
          .get("number") == "2026-001", "proposal added")
    handling(prov, clerk)
    members_and_duty(prov, clerk)

    # The city answers with a result and an attachment.
    wait_for("the task at the city",
             lambda: cli(city, "wait", tid, "--version", "3",
                         "--timeout", "1").returncode == 0)
    cc = SessionClient(cweb)
    cc.login("李四", "clerk-pass-2")
    r = cc.req("GET", "/r/" + tid)
    check('id="act-result"' in r.text and 'id="act-derive"' in r.text and
          'id="act-edit"' not in r.text,
          "at the city: report and derive offered, not edit")
    r = cc.req("GET", "/tasks/new?parent=" + urllib.parse.quote(tid))
    check(r.status == 200 and 'name="parent" value="%s"' % tid in r.text and
          'value="河道&lt;治理&gt;"' in r.text,
          "转办: the sub-task form starts from the task")
    payload = bytes(range(256)) * 1200 + "<html>终</html>".encode()
    before = count(city, "result")
    big = b"\0" * ((16 << 20) + 1)
    r = cc.req("POST", "/r/%s/result" % tid,
               [("csrf", cc.token), ("summary", "已完成"),
                ("status", "submitted")], [("attach", "big.bin", big)])
    e = err_of(r.text, "attach")
    check(r.status == 422 and "附件超过 16 MiB" in e and
          "more than the 16 MiB" in e,
          "16 MiB + 1 byte refused beside the field: %d %r" % (r.status, e))
    check(count(city, "result") == before, "no result written")
    r = cc.req("POST", "/r/%s/result" % tid,
               [("csrf", cc.token), ("summary", ""), ("status", "submitted")],
               [("attach", "a.txt", b"x")])
    check(r.status == 422 and "摘要：必填" in err_of(r.text, "summary"),
          "an empty summary refused before any file is sent")
    r = cc.req("POST", "/r/%s/result" % tid,
               [("csrf", cc.token), ("summary", "河道已清理"),
                ("finding", "垃圾\n违建"), ("metric", "调研=3\n走访=12"),
                ("status", "submitted")],
               [("attach", "现场 报告.html", payload)])
    loc = r.headers.get("Location", "")
    check(r.status == 303 and loc.startswith("/r/530000/530300:"),
          "result added: %d %s %s" % (r.status, loc, err_of(r.text, "form")))
    rid = loc[3:]
    res = record(city, rid)
    check(res.get("author") == "李四" and
          res.get("findings") == ["垃圾", "违建"] and
          len(res.get("metrics", [])) == 2,
          "the result: author, findings, metrics")
    r = cc.req("GET", "/r/%s/a/1" % rid)
    cd = r.headers.get("Content-Disposition", "")
    check(r.status == 200 and r.raw == payload,
          "the download is the upload, byte for byte (%d, %d bytes)" %
          (r.status, len(r.raw)))
    check(r.headers.get("Content-Type") == "application/octet-stream" and
          r.headers.get("X-Content-Type-Options") == "nosniff" and
          "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%20%E6%8A%A5%E5%91%8A.html"
          in cd, "octet-stream, nosniff, the UTF-8 name: %s" % cd)
    r = cc.req("GET", "/r/%s/a/2" % rid)
    check(r.status == 404, "no attachment 2: 404")

    # The reviewer at the province returns it.
    wait_for("the result and its chunks at the province",
             lambda: cli(prov, "attachment", "get", rid, "--out",
                         os.path.join(root, "got.bin")).returncode == 0)
    r = clerk.req("GET", "/r/%s/review" % rid)
    check(r.status == 403, "a clerk may not review: 403")
    rv = SessionClient(pweb)
    rv.login("王审", "review-pass-1")
    r = rv.req("GET", "/r/" + rid)
    check('id="act-review"' in r.text and 'href="/r/%s/a/1"' % rid in r.text,
          "the reviewer sees 审核 and the attachment")
    r = rv.req("GET", "/r/%s/review" % rid)
    check(r.status == 200 and "退回" in r.text and 'id="f-verdict"' in r.text,
          "the review form")
    before = count(prov, "review")
    r = rv.req("POST", "/r/%s/review" % rid,
               {"csrf": rv.token, "verdict": "", "comment": "x"})
    check(r.status == 422 and "审核意见：必填" in err_of(r.text, "verdict"),
          "a review without a verdict refused")
    r = rv.req("POST", "/r/%s/review" % rid,
               {"csrf": rv.token, "verdict": "returned",
                "comment": "缺少违建清单"})
    check(r.status == 303, "review written (%d)" % r.status)
    reviews = json.loads(cli(prov, "list", "--kind", "review",
                             "--json").stdout)
    check(len(reviews) == before + 1 and reviews[-1].get("author") == "王审"
          and reviews[-1].get("verdict") == "returned",
          "the review: returned, by 王审")
    # The result's page lists its review (from the node's refs index).
    r = rv.req("GET", "/r/" + rid)
    check(reviews[-1]["id"] in r.text and "缺少违建清单" in r.text,
          "the result's page lists the review")

    # Returned: the city revises and resubmits it.
    rvid = reviews[-1]["id"]
    wait_for("the review at the city",
             lambda: cli(city, "show", rvid).returncode == 0)
    r = cc.req("GET", "/r/%s/result" % rid)
    check(r.status == 200 and 'name="base" value="1"' in r.text and
          "河道已清理" in r.text and "现场 报告.html" in r.text,
          "the revision form: base, summary, the attachment kept")
    r = cc.req("POST", "/r/%s/result" % rid,
               [("csrf", cc.token), ("base", "1"),
                ("summary", "河道已清理，附违建清单"), ("finding", "违建"),
                ("metric", "调研=3"), ("status", "submitted")], [])
    res = record(city, rid)
    check(r.status == 303 and res.get("version") == 2 and
          len(res.get("attachments", [])) == 1 and
          res.get("summary") == "河道已清理，附违建清单",
          "resubmitted as v2 with its attachment (%d)" % r.status)

    node_tree(pweb, prov)


HANDLED = ("title", "submitter", "handler", "cosigners", "assisting", "key",
           "supervisor", "filed_on", "deadline", "extended", "status")


def handling(prov, clerk):
    """A proposal as offices handle it: a 重点 one without its 督办 leader
    refused beside 督办领导, nothing written; with one, stored as the CLI
    stores the same; extended once on an edit."""
    r = clerk.req("GET", "/proposals/new")
    check(r.status == 200 and all('id="f-%s"' % f in r.text for f in
                                  ("cosigner", "assisting", "key",
                                   "supervisor", "filed_on", "deadline")) and
          'id="f-extended"' not in r.text,
          "the proposal form: the handling fields, no 延期 on a new one")
    before = count(prov, "proposal")
    form = {"csrf": clerk.token, "title": "关于城乡供水一体化的提案",
            "submitter": "赵一", "handler": "市水务局",
            "cosigner": "钱二\n孙三\n", "assisting": "市财政局\n市住建局",
            "key": "1", "filed_on": "2026-03-10", "deadline": "",
            "year": "2026", "status": "submitted"}
    r = clerk.req("POST", "/proposals/new", form)
    e = err_of(r.text, "supervisor")
    check(r.status == 422 and "督办领导：重点提案必填" in e and
          "supervisor: required for a 重点 (key) proposal" in e,
          "a 重点 proposal without a supervisor refused beside 督办领导: "
          "%d %r" % (r.status, e))
    check(count(prov, "proposal") == before, "nothing written")
    check("钱二\n孙三" in r.text and 'value="2026-03-10"' in r.text,
          "the values typed are kept")
    r = clerk.req("POST", "/proposals/new", dict(form, supervisor="周副主席"))
    loc = r.headers.get("Location", "")
    check(r.status == 303 and loc.startswith("/r/530000:"),
          "the 重点 proposal added: %d %s %r" %
          (r.status, loc, err_of(r.text, "supervisor")))
    web = record(prov, loc[3:])
    c = cli(prov, "proposal", "add", "--title", form["title"],
            "--submitter", "赵一", "--handler", "市水务局",
            "--cosigner", "钱二", "--cosigner", "孙三",
            "--assist", "市财政局", "--assist", "市住建局", "--key", "yes",
            "--supervisor", "周副主席", "--filed-on", "2026-03-10",
            "--year", "2026", "--status", "submitted")
    check(c.returncode == 0, "the same through the CLI: " + c.stderr)
    ids = [x["id"] for x in json.loads(cli(prov, "list", "--kind", "proposal",
                                           "--json").stdout)]
    byc = record(prov, ids[-1])
    check(web.get("author") == "张三" and
          web.get("deadline") == "2026-05-10" and
          {k: web.get(k) for k in HANDLED} ==
          {k: byc.get(k) for k in HANDLED},
          "stored as the CLI stores it: %r / %r" %
          ({k: web.get(k) for k in HANDLED},
           {k: byc.get(k) for k in HANDLED}))
    # 延期 on an edit: once, one month on.
    pid = loc[3:]
    r = clerk.req("GET", "/r/%s/edit" % pid)
    check(r.status == 200 and 'id="f-extended"' in r.text and
          'value="2026-05-10"' in r.text, "the edit form offers 延期")
    edit = dict(form, supervisor="周副主席", deadline="2026-05-10",
                extended="1", base=str(web.get("version", 1)))
    r = clerk.req("POST", "/r/%s/edit" % pid, edit)
    p = record(prov, pid)
    check(r.status == 303 and p.get("extended") is True and
          p.get("deadline") == "2026-06-10",
          "extended: the deadline one month on (%d, %s)" %
          (r.status, p.get("deadline")))
    r = clerk.req("GET", "/r/%s/edit" % pid)
    check(r.status == 200 and 'id="f-extended"' not in r.text and
          "已延期" in r.text, "extended once: 延期 no longer offered")


def members_and_duty(prov, clerk):
    """A member added through /members/new; a duty entry for two members
    through /duties/new, in `list --kind duty` with both ids."""
    r = clerk.req("GET", "/members/new")
    check(r.status == 200 and "members.private" in r.text and
          'id="f-name"' in r.text and 'id="f-sector"' in r.text,
          "/members/new: the form and the hint on personal details")
    ids = []
    for name, sector in (("吴五", "民盟"), ("郑六", "经济界")):
        r = clerk.req("POST", "/members/new",
                      {"csrf": clerk.token, "name": name, "sector": sector,
                       "committee": "提案委员会", "group": "第一小组",
                       "term": "十二届", "status": "active",
                       "joined": "2023-01-15", "new_member": "1"})
        loc = r.headers.get("Location", "")
        m = record(prov, loc[3:]) if loc.startswith("/r/") else {}
        check(r.status == 303 and m.get("name") == name and
              m.get("sector") == sector and m.get("term") == "十二届" and
              m.get("new_member") is True and m.get("author") == "张三",
              "member %s added through /members/new (%d) %r" %
              (name, r.status, m))
        ids.append(loc[3:])
    r = clerk.req("GET", "/r/" + ids[0])
    check('id="act-duty"' in r.text and 'id="act-edit"' in r.text,
          "a member's page offers 修改 and 登记履职")
    r = clerk.req("GET", "/r/%s/edit" % ids[1])
    check(r.status == 200 and 'value="郑六"' in r.text and
          "members.private" in r.text, "a member's edit form")
    r = clerk.req("POST", "/r/%s/edit" % ids[1],
                  {"csrf": clerk.token, "base": "1", "name": "郑六",
                   "sector": "经济界", "term": "十三届", "status": "active"})
    m = record(prov, ids[1])
    check(r.status == 303 and m.get("term") == "十三届" and
          m.get("version") == 2 and not m.get("new_member"),
          "the member edited: 十三届, 新任 unticked (%d)" % r.status)
    r = clerk.req("GET", "/duties/new?member=" + urllib.parse.quote(ids[0]))
    check(r.status == 200 and 'value="%s" checked' % ids[0] in r.text and
          'value="%s"' % ids[1] in r.text and "吴五" in r.text,
          "/duties/new: this office's members, the one it came from ticked")
    before = count(prov, "duty")
    duty = {"csrf": clerk.token, "activity": "视察", "date": "2026-04-02",
            "note": "河道视察"}
    r = clerk.req("POST", "/duties/new", duty)
    check(r.status == 422 and "至少选择一位委员" in err_of(r.text, "members")
          and count(prov, "duty") == before,
          "a duty entry without members refused beside the field")
    r = clerk.req("POST", "/duties/new", dict(duty, members=ids))
    check(r.status == 303, "duty entry added (%d) %r" %
          (r.status, err_of(r.text, "members")))
    duties = json.loads(cli(prov, "list", "--kind", "duty", "--json").stdout)
    check(len(duties) == before + 1 and
          sorted(duties[-1].get("members", [])) == sorted(ids) and
          duties[-1].get("activity") == "视察" and
          duties[-1].get("author") == "张三",
          "the duty entry in `list --kind duty` with both members: %r" %
          duties[-1:])


def tree_of(data):
    st = json.loads(cli(data, "status", "--tree", "--json").stdout)
    return st.get("status", st)


def node_tree(pweb, prov):
    """The province's /node: 下级节点 lists the city as the CLI's tree
    answer has it, once the city's first HEALTH record (five seconds
    after its start) has come up."""
    def reported():
        t = [o for o in tree_of(prov).get("tree", [])
             if o["path"] == "530000/530300"]
        return t and int(t[0].get("reported_ms", 0)) > 0 and \
            not t[0].get("silent", False) and t[0].get("health")
    wait_for("the city's HEALTH record in the province's tree", reported)
    st = tree_of(prov)
    below = [o["path"] for o in st.get("tree", []) if o["path"] != st["path"]]
    rd = SessionClient(pweb)
    rd.login("读者", "reader-pass-1")
    r = rd.req("GET", "/node")
    rows = re.findall(r'<tr data-office="([^"]+)" data-depth="(\d+)"'
                      r'( data-silent="1")?>(.*?)</tr>', r.text, re.S)
    check(r.status == 200 and "<h2>下级节点</h2>" in r.text and
          [p for p, _, _, _ in rows] == below == ["530000/530300"],
          "/node's 下级节点: the offices of `status --tree` (%s, %s)" %
          ([p for p, _, _, _ in rows], below))
    if rows:
        _, depth, silent, cells = rows[0]
        check(depth == "1" and not silent and "曲靖市政协" in cells and
              'data-label="状态">正常' in cells and
              re.search(r'data-label="最后报告">(刚刚|\d+ 分钟前)', cells) and
              "上级 530000：已连接" in cells and "待收 " in cells and
              "无下级节点" not in r.text,
              "the city: depth 1, 正常, reported just now, its link up "
              "connected: %s" % cells)


if __name__ == "__main__":
    sys.exit(webtest.main("check_web_forms", scenario, "ld_webforms_"))
