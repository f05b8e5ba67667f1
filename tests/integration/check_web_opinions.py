#!/usr/bin/python3
# check_web_opinions.py — 社情民意 through the console, against real nodes:
# a province and a city (insecure link), a liandong-web beside each. The
# city's clerk writes an opinion through /opinions/new (a missing content
# refused beside its field, nothing written; the opinion's author is the
# clerk); it is on /opinions; the city cannot act on its own opinion (no
# form on its page; posted anyway, the node's refusal in Chinese). At the province a 批示 without a leader is refused
# beside the field in Chinese, nothing written; the province's clerk
# adopts it through the record page's form; the city's record page shows
# the adoption in its trail, as `liandong opinion trail` does. A reader
# sees no form. Every wait is bounded; only the processes started here
# are stopped, by their pid.
#   check_web_opinions.py BUILD_DIR      (exit 77 = skipped)
import html
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webtest  # noqa: E402
from webtest import (SessionClient, add_users, check, cli,  # noqa: E402
                     count, err_of, province_and_city, record, start_web,
                     wait_city_at, wait_for)


def scenario(root):
    prov, city = province_and_city(root)
    add_users(prov, (("张三", "clerk", "clerk-pass-1"),
                     ("读者", "reader", "reader-pass-1")))
    add_users(city, (("李四", "clerk", "clerk-pass-2"),))
    wait_city_at(prov)
    pweb, cweb = start_web(prov).port, start_web(city).port

    # The city's clerk writes one.
    cc = SessionClient(cweb)
    cc.login("李四", "clerk-pass-2")
    r = cc.req("GET", "/opinions")
    check(r.status == 200 and 'href="/opinions"' in r.text and
          "社情民意" in r.text and 'id="act-new"' in r.text,
          "GET /opinions: the list, the nav entry, the link to write one")
    r = cc.req("GET", "/opinions/new")
    check(r.status == 200 and 'id="f-title"' in r.text and
          'id="f-content"' in r.text and 'id="f-member"' in r.text and
          'id="submit"' in r.text, "GET /opinions/new: the form")
    form = {"csrf": cc.token, "title": "关于<农村>饮水安全的建议",
            "content": "", "member": "王委员"}
    before = count(city, "opinion")
    check(before == 0, "the city lists its opinions (%d)" % before)
    r = cc.req("POST", "/opinions/new", form)
    e = err_of(r.text, "content")
    check(r.status == 422 and "内容：必填" in e,
          "an opinion without content refused beside it: %d %r"
          % (r.status, e))
    check('value="关于&lt;农村&gt;饮水安全的建议"' in r.text,
          "the title typed is kept, escaped")
    check(count(city, "opinion") == before, "nothing written")
    form["content"] = "部分村组饮水管网老化，建议纳入年度计划。"
    r = cc.req("POST", "/opinions/new", form)
    loc = r.headers.get("Location", "")
    check(r.status == 303 and loc.startswith("/r/530000/530300:"),
          "opinion written: %d %s" % (r.status, loc))
    oid = loc[3:]
    o = record(city, oid)
    check(o.get("author") == "李四" and o.get("member") == "王委员",
          "its author is 李四, its member 王委员: %r" % o)
    r = cc.req("GET", "/opinions")
    check(oid in r.text and "王委员" in r.text, "it is on /opinions")
    r = cc.req("GET", "/r/" + oid)
    check(r.status == 200 and "上级尚未处理" in r.text and
          'action="/r/%s/opinion"' % oid not in r.text,
          "the writer's page: an empty trail, no form to act on its own")
    # Posted anyway: the node refuses, said in Chinese, nothing written.
    r = cc.req("POST", "/r/%s/opinion" % oid,
               {"csrf": cc.token, "action": "adopted"})
    check(r.status == 422 and "不是本单位的下级" in html.unescape(r.text) and
          count(city, "opinion-action") == 0,
          "acting on its own opinion refused in Chinese (%d)" % r.status)

    # The province acts on it through the page.
    wait_for("the opinion at the province",
             lambda: cli(prov, "show", oid).returncode == 0)
    pc = SessionClient(pweb)
    pc.login("张三", "clerk-pass-1")
    r = pc.req("GET", "/r/" + oid)
    check(r.status == 200 and 'action="/r/%s/opinion"' % oid in r.text and
          'id="f-action"' in r.text and 'id="f-leader"' in r.text and
          'id="f-comment"' in r.text and 'id="submit"' in r.text,
          "the province's page offers 采用 / 报送 / 批示")
    reader = SessionClient(pweb)
    reader.login("读者", "reader-pass-1")
    r = reader.req("GET", "/r/" + oid)
    check(r.status == 200 and "/opinion\"" not in r.text,
          "a reader sees no form")
    r = reader.req("POST", "/r/%s/opinion" % oid,
                   {"csrf": reader.token, "action": "adopted"})
    check(r.status == 403, "a reader's POST: 403 (%d)" % r.status)
    before = count(prov, "opinion-action")
    check(before == 0, "the province lists its actions (%d)" % before)
    r = pc.req("POST", "/r/%s/opinion" % oid,
               {"csrf": pc.token, "action": "instructed", "leader": "",
                "comment": "请抓紧办理"})
    e = err_of(r.text, "leader")
    check(r.status == 422 and "批示领导" in e and "批示须填写" in e,
          "a 批示 without a leader refused beside it: %d %r"
          % (r.status, e))
    check(count(prov, "opinion-action") == before, "nothing written")
    r = pc.req("POST", "/r/%s/opinion" % oid,
               {"csrf": pc.token, "action": "adopted", "leader": "",
                "comment": "采用，编入《社情民意》第 3 期"})
    check(r.status == 303 and r.headers.get("Location") == "/r/" + oid,
          "adopted (%d)" % r.status)
    acts = json.loads(cli(prov, "list", "--kind", "opinion-action",
                          "--json").stdout)
    check(len(acts) == before + 1 and acts[-1].get("author") == "张三" and
          acts[-1].get("action") == "adopted" and
          acts[-1].get("ref") == oid, "the action: adopted, by 张三")
    aid = acts[-1]["id"]

    # The trail at the city.
    wait_for("the adoption at the city",
             lambda: cli(city, "show", aid).returncode == 0)
    r = cc.req("GET", "/r/" + oid)
    m = re.search(r'<table class="cards" id="trail">(.*?)</table>', r.text,
                  re.S)
    row = m.group(1) if m else ""
    check("530000" in row and "采用" in row and aid in row and
          "编入《社情民意》第 3 期" in row,
          "the city's page shows the adoption in the trail: %r" % row)
    t = cli(city, "opinion", "trail", oid)
    check(t.returncode == 0 and aid in t.stdout and "采用" in t.stdout,
          "the CLI's trail says the same: " + t.stdout)


if __name__ == "__main__":
    sys.exit(webtest.main("check_web_opinions", scenario, "ld_webopin_"))
