#!/usr/bin/python3
# check_web_proposals.py — the proposals awaiting a reply on the console's
# progress page (/proposals/progress) and in the JSON API
# (/api/v1/proposals/progress), against real nodes: a province and a city
# (insecure link), a liandong-web at the province. The city files a 重点
# proposal long past its deadline (主办, two 协办, 督办), one extended
# with a deadline far ahead and one already replied; the province files
# one of its own. At the province the page lists three, the overdue one
# first marked 逾期, then by deadline as `liandong progress --proposals` counts it, the
# extension shown, the replied one absent, a title's markup escaped; a
# reader sees it too; a wrong path is 404. 年度统计 shows 委员参与率 as
# `liandong figures` counts it; the province records a city member's
# 视察 through /duties/new; the JSON API creates a member. Every wait is bounded; only the
# processes started here are stopped, by their pid.
#   check_web_proposals.py BUILD_DIR      (exit 77 = skipped)
import http.client
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webtest  # noqa: E402
from webtest import (SessionClient, add_users, check, cli,  # noqa: E402
                     province_and_city, start_web, wait_for)


def add(data, *args):
    r = cli(data, "proposal", "add", *args)
    check(r.returncode == 0, "proposal add: " + r.stderr.strip())
    return r.stdout.strip()


def scenario(root):
    prov, city = province_and_city(root)
    add_users(prov, (("张三", "clerk", "clerk-pass-1"),
                     ("读者", "reader", "reader-pass-1")))

    late = add(city, "--title", "关于加快城乡供水一体化的建议<script>",
               "--number", "市提-12", "--submitter", "张华", "--handler",
               "市水务局", "--assist", "市财政局", "--assist", "市住建局",
               "--key", "yes", "--supervisor", "市政协主席", "--status",
               "assigned", "--filed-on", "2020-01-10", "--year", "2020")
    ext = add(city, "--title", "关于老旧小区加装电梯的建议", "--submitter",
              "李明", "--handler", "市住建局", "--status", "filed",
              "--filed-on", "2020-01-20", "--deadline", "2098-12-31",
              "--year", "2020")
    r = cli(city, "proposal", "set", ext, "--extend")
    check(r.returncode == 0, "extended: " + r.stderr.strip())
    done = add(city, "--title", "已答复的提案", "--submitter", "王芳",
               "--handler", "市教育局", "--status", "assigned",
               "--filed-on", "2020-01-05", "--year", "2020")
    r = cli(city, "proposal", "set", done, "--status", "replied",
            "--outcome", "A")
    check(r.returncode == 0, "replied: " + r.stderr.strip())
    own = add(prov, "--title", "关于滇中引水配套工程的建议", "--submitter",
              "赵强", "--handler", "省水利厅", "--status", "assigned",
              "--filed-on", "2020-02-01", "--deadline", "2099-06-30",
              "--year", "2020")
    wait_for("the city's proposals at the province",
             lambda: all(cli(prov, "show", i).returncode == 0 and
                         "replied" in cli(prov, "show", done).stdout
                         for i in (late, ext)))

    pc = SessionClient(start_web(prov).port)
    pc.login("张三", "clerk-pass-1")
    r = pc.req("GET", "/proposals")
    check(r.status == 200 and 'href="/proposals/progress"' in r.text and
          'id="act-progress"' in r.text,
          "GET /proposals links to the progress page")
    r = pc.req("GET", "/proposals/progress")
    check(r.status == 200 and "提案办理进度" in r.text,
          "GET /proposals/progress: %d" % r.status)
    m = re.search(r'<table class="progress cards" id="proposals">(.*?)'
                  r'</table>', r.text, re.S)
    table = m.group(1) if m else ""
    rows = re.findall(r"<tr class=\"([^\"]*)\">(.*?)</tr>", table, re.S)
    check(len(rows) == 3, "three awaiting a reply: %d" % len(rows))
    check(done not in table and "已答复的提案" not in table,
          "the replied one is not listed")
    if len(rows) == 3:
        cls, first = rows[0]
        check(cls == "overdue" and late in first and "逾期" in first and
              "市水务局" in first and "市财政局、市住建局" in first and
              "市政协主席" in first and "重点" in first and
              "2020-03-10" in first and "市提-12" in first,
              "the overdue one first, with 主办, 协办, 督办: %r" % first)
        check("<script>" not in first and "&lt;script&gt;" in first,
              "its title escaped")
        check(ext in rows[1][1] and "2099-01-31" in rows[1][1] and
              "已延期" in rows[1][1] and rows[1][0] == "",
              "the extended one next, 已延期: %r" % (rows[1],))
        check(own in rows[2][1] and rows[2][0] == "" and
              "2099-06-30" in rows[2][1] and "还有" in rows[2][1],
              "the province's own last, not overdue: %r" % (rows[2],))
    check(re.search(r'<li class="overdue">逾期<b>1</b>', r.text) is not None,
          "the count: one overdue")
    # The CLI counts the same.
    c = cli(prov, "progress", "--proposals")
    check(c.returncode == 0 and ": 3, 1 overdue (逾期)" in c.stdout,
          "liandong progress --proposals agrees: " + c.stdout[:200])
    # The JSON API answers as `progress --proposals --json`.
    r = pc.req("GET", "/api/v1/proposals/progress")
    j = json.loads(r.text) if r.status == 200 else {}
    ps = j.get("proposals", [])
    check(r.status == 200 and j.get("proposals_overdue") == 1 and
          len(ps) == 3 and ps[0].get("id") == late and
          ps[0].get("overdue") is True and
          ps[0].get("assisting") == ["市财政局", "市住建局"] and
          ps[1].get("extended") is True and ps[2].get("id") == own,
          "GET /api/v1/proposals/progress: %d %s" % (r.status, r.text[:300]))
    # Bad paths.
    r = pc.req("GET", "/proposals/progress/x")
    check(r.status == 404, "/proposals/progress/x: 404 (%d)" % r.status)
    r = pc.req("GET", "/api/v1/proposals/progress/x")
    check(r.status == 404 and '"code"' in r.text,
          "/api/v1/proposals/progress/x: 404 JSON (%d)" % r.status)
    # 年度统计 counts 委员参与率 as `liandong figures` does: two members
    # of the city, one with a duty entry in 2020.
    m1 = cli(city, "member", "add", "--name", "委员甲").stdout.strip()
    m2 = cli(city, "member", "add", "--name", "委员乙").stdout.strip()
    d = cli(city, "duty", "add", "--activity", "调研", "--date",
            "2020-05-03", "--member", m1).stdout.strip()
    check(m1 and m2 and d, "two members and a duty entry at the city")
    wait_for("the duty entry at the province",
             lambda: cli(prov, "show", d).returncode == 0 and
             cli(prov, "show", m2).returncode == 0)
    r = pc.req("GET", "/stats?year=2020")
    check(r.status == 200 and
          'data-fig="members.active">2<' in r.text and
          'data-fig="members.took_part">1<' in r.text and
          'data-fig="members.participation_rate">50.0%（1/2）<' in r.text,
          "/stats?year=2020: 委员参与率 50.0%（1/2）")
    c = cli(prov, "figures", "--year", "2020")
    check("委员参与率                    1 of 2 = 50.0%" in c.stdout,
          "liandong figures agrees: " + c.stdout[-200:])
    # The province may record a city member's 视察 (docs/workflows.md):
    # /duties/new lists the members below after its own.
    r = pc.req("GET", "/duties/new")
    check(r.status == 200 and 'value="%s"' % m1 in r.text and
          "委员甲（%s，下级单位委员）" % m1 in r.text,
          "/duties/new at the province lists the city's members")
    tok = pc.csrf()
    r = pc.req("POST", "/duties/new",
               {"csrf": tok, "activity": "视察", "date": "2020-06-01",
                "members": [m1, m2], "note": "省政协视察"})
    check(r.status == 303, "a duty entry for two city members (%d)"
          % r.status)
    duties = json.loads(cli(prov, "list", "--kind", "duty", "--owner",
                            "530000", "--json").stdout)
    own = [x for x in duties if x.get("owner") == "530000"]
    check(len(own) == 1 and sorted(own[0].get("members", [])) ==
          sorted([m1, m2]) and own[0].get("author") == "张三",
          "the province's entry names both: %r" % own)
    c = cli(prov, "figures", "--year", "2020")
    check("2 of 2 = 100.0%" in c.stdout,
          "both city members took part in 2020 at the province: "
          + c.stdout[-120:])
    # The JSON API creates a member as `liandong import` reads one; a
    # personal detail is not a field of it.
    tok = pc.csrf()

    def post(body):
        c = http.client.HTTPConnection("127.0.0.1", pc.port, timeout=60)
        c.request("POST", "/api/v1/records", body=json.dumps(body).encode(),
                  headers={"X-CSRF-Token": tok,
                           "Content-Type": "application/json",
                           "Cookie": "; ".join("%s=%s" % kv for kv in
                                               pc.cookies.items())})
        resp = c.getresponse()
        text = resp.read().decode()
        c.close()
        return resp.status, text
    st, text = post({"kind": "member", "name": "委员丁", "sector": "教育界"})
    check(st == 201 and '"name": "委员丁"' in text,
          "POST /api/v1/records: a member (%d %s)" % (st, text[:200]))
    st, text = post({"kind": "member", "name": "委员戊", "phone": "138"})
    check(st != 201 and '"field": "phone"' in text,
          "a member with a phone refused, naming it (%d %s)"
          % (st, text[:200]))
    # A reader may follow it too; not signed in, not.
    rc = SessionClient(pc.port)
    r = rc.req("GET", "/proposals/progress")
    check(r.status in (302, 303, 401), "not signed in: %d" % r.status)
    rc.login("读者", "reader-pass-1")
    r = rc.req("GET", "/proposals/progress")
    check(r.status == 200 and late in r.text,
          "a reader sees the page: %d" % r.status)


if __name__ == "__main__":
    sys.exit(webtest.main("check_web_proposals", scenario, "ld_webprop_"))
