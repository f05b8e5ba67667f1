#!/usr/bin/env python3
# make-fuyuan-2018.py — writes fuyuan-2018.json and fuyuan-2018-proposals.csv
# beside this script: Fuyuan county CPPCC's (富源县政协) year 2018 as
# records, so that the figures of its year-end summary come out of them
# (../../../shared/seeds/003_*.txt, "全年开展调研10次、视察4次、协商6次、
# 对3项工作进行跟踪问效,对2个单位进行民主评议,对7个单位的提案办理工作
# 进行测评 ... 已解决和正在解决的达203件,占总数的94.9%,面商率、满意率
# 均达100%"):
#
#   surveys     10 of form 调研, 4 of form 视察
#   plan        1 plan of 6 consultations (协商6次: the seed's 双月协商 topics)
#   tasks       3 跟踪问效; 2 民主评议, one unit each; 1 提案督办 (提案办理
#               测评) with 7 units as targets
#   proposals   214, all closed (已办结), 203 with outcome A or B and 11 C,
#               every one 面商 and 满意 or 基本满意
#
# The figures and the consultation topics are the seed's; survey topics,
# units, proposal titles and submitters are made up to be plausible (the
# summary does not list them). Deterministic: run it again and the files
# come out the same.
#   python3 docs/examples/make-fuyuan-2018.py
import datetime
import json
import os

NODE = "530000/530300/530325"
HERE = os.path.dirname(os.path.abspath(__file__))
WHEN = "2018-12-28T08:00:00.000Z"

records = []


def record(kind, body, scope=True):
    rec = {
        "id": "%s:%d" % (NODE, len(records) + 1),
        "kind": kind,
        "owner": NODE,
        "version": 1,
        "scope": [NODE] if scope else [],
        "updated_at": WHEN,
        "deleted": False,
    }
    rec.update(body)
    records.append(rec)


# 协商6次: the topics the summary names for its 双月协商 and 专题协商.
consultations = [
    ("双月协商", "脱贫攻坚易地搬迁、危房改造、道路建设、安全饮水四项重点工作"),
    ("双月协商", "河长制落实"),
    ("双月协商", "富源北城开发建设与管理"),
    ("双月协商", "城乡公交发展"),
    ("双月协商", "教育基本均衡发展"),
    ("提案办理协商", "重点提案办理"),
]
record("plan", {
    "year": 2018,
    "title": "富源县政协2018年协商计划",
    "items": [{"form": f, "month": 0, "topic": t, "lead": "",
               "responsible": "", "assisting": "", "status": "held"}
              for f, t in consultations],
})

surveys = [
    ("调研", "易地扶贫搬迁后续扶持", "2018-03-12"),
    ("调研", "农村危房改造质量与进度", "2018-03-27"),
    ("调研", "贫困村通村道路建设", "2018-04-17"),
    ("调研", "农村安全饮水工程建设与管护", "2018-05-08"),
    ("调研", "河长制落实情况", "2018-05-22"),
    ("调研", "富源北城开发建设与管理", "2018-06-12"),
    ("调研", "城乡公交发展", "2018-07-10"),
    ("调研", "义务教育基本均衡发展", "2018-08-21"),
    ("调研", "“三送三帮”贫困家庭学生资助", "2018-09-11"),
    ("调研", "富源地名文化资料征集", "2018-10-16"),
    ("视察", "脱贫摘帽“百日会战”推进情况", "2018-07-03"),
    ("视察", "中安街道海坪社区助推示范点建设", "2018-09-25"),
    ("视察", "后所镇阿依诺村助推示范点建设", "2018-10-30"),
    ("视察", "重点提案办理落实情况", "2018-11-13"),
]
for form, topic, start in surveys:
    end = (datetime.date.fromisoformat(start) +
           datetime.timedelta(days=2)).isoformat()
    record("survey", {"form": form, "topic": topic, "host": NODE,
                      "participants": [NODE], "start": start, "end": end,
                      "status": "closed"})

tasks = [
    ("跟踪问效", "易地扶贫搬迁工作跟踪问效", ["县扶贫开发办公室"], "2018-06-30"),
    ("跟踪问效", "农村危房改造工作跟踪问效", ["县住房和城乡建设局"], "2018-09-30"),
    ("跟踪问效", "农村安全饮水工作跟踪问效", ["县水务局"], "2018-11-30"),
    ("民主评议", "民主评议县交通运输局", ["县交通运输局"], "2018-10-31"),
    ("民主评议", "民主评议县卫生和计划生育局", ["县卫生和计划生育局"],
     "2018-10-31"),
    ("提案督办", "提案办理工作测评",
     ["县教育局", "县住房和城乡建设局", "县交通运输局", "县水务局",
      "县农业局", "县卫生和计划生育局", "县国土资源局"], "2018-12-15"),
]
for form, topic, targets, due in tasks:
    record("task", {"form": form, "topic": topic, "targets": targets,
                    "due": due, "parent": "", "status": "closed"})

# 214 proposals: subject and the unit that handles it.
subjects = [
    ("易地扶贫搬迁安置点后续管理", "县扶贫开发办公室"),
    ("农村危房改造质量监管", "县住房和城乡建设局"),
    ("贫困村通村道路养护", "县交通运输局"),
    ("农村饮水安全巩固提升", "县水务局"),
    ("河长制落实", "县水务局"),
    ("北城片区规划建设", "县住房和城乡建设局"),
    ("城乡公交线路延伸", "县交通运输局"),
    ("义务教育学校布局调整", "县教育局"),
    ("乡村教师队伍建设", "县教育局"),
    ("县人民医院服务能力提升", "县卫生和计划生育局"),
    ("乡镇卫生院人才引进", "县卫生和计划生育局"),
    ("煤矿安全生产监管", "县安全生产监督管理局"),
    ("煤矸石综合利用", "县工业信息化和商务局"),
    ("大河乌猪品牌保护", "县农业局"),
    ("魔芋产业发展", "县农业局"),
    ("高原特色农业发展", "县农业局"),
    ("农产品电子商务", "县工业信息化和商务局"),
    ("胜境关历史文化旅游开发", "县文化广电体育和旅游局"),
    ("徐霞客游线文化挖掘", "县文化广电体育和旅游局"),
    ("城区停车难治理", "县公安局"),
    ("城区生活垃圾分类处理", "县住房和城乡建设局"),
    ("老旧小区改造", "县住房和城乡建设局"),
    ("农村人居环境整治", "县住房和城乡建设局"),
    ("集镇污水处理设施建设", "县环境保护局"),
    ("中小微企业融资", "县财政局"),
    ("营商环境优化", "县发展和改革局"),
    ("就业扶贫车间建设", "县人力资源和社会保障局"),
    ("农村留守儿童关爱", "县民政局"),
    ("农村养老服务", "县民政局"),
    ("残疾人帮扶", "县残疾人联合会"),
    ("食品安全监管", "县市场监督管理局"),
    ("校园周边安全治理", "县公安局"),
    ("道路交通安全隐患整治", "县公安局"),
    ("森林防火", "县林业局"),
    ("耕地保护", "县国土资源局"),
    ("农村土地流转规范", "县农业局"),
    ("农民专业合作社规范发展", "县农业局"),
    ("民族团结进步示范创建", "县民族宗教事务局"),
    ("非物质文化遗产保护", "县文化广电体育和旅游局"),
    ("全民健身设施建设", "县文化广电体育和旅游局"),
]
phrasings = ["关于{}的建议", "关于加强{}的建议", "关于推进{}的建议",
             "关于完善{}工作机制的建议", "关于加大{}投入的建议",
             "关于解决{}中突出问题的建议"]
submitters = ["民革富源县支部", "民盟富源县支部", "农工党富源县支部",
              "县工商联", "经济界别委员", "农业界别委员", "教育界别委员",
              "医药卫生界别委员", "科技界别委员", "少数民族界别委员",
              "第一工作组", "第二工作组", "第三工作组", "委员联名"]

proposals = []
for i in range(214):
    subject, handler = subjects[i % len(subjects)]
    title = phrasings[i // len(subjects)].format(subject)
    if i % 19 == 7:
        outcome = "C"            # 11 of them: 214 - 11 = 203 A or B
    elif i % 5 < 3:
        outcome = "A"
    else:
        outcome = "B"
    satisfied = "基本满意" if outcome == "C" or i % 10 == 3 else "满意"
    p = {"number": str(i + 1), "title": title,
         "submitter": submitters[i % len(submitters)], "filing": "filed",
         "handler": handler, "outcome": outcome, "face_to_face": True,
         "satisfaction": satisfied, "status": "closed", "year": 2018}
    proposals.append(p)
    record("proposal", p, scope=False)

assert len({p["title"] for p in proposals}) == 214
assert sum(p["outcome"] in "AB" for p in proposals) == 203
assert round(203 * 100 / 214, 1) == 94.9

# As 'liandong export --json' writes: one record per line.
with open(os.path.join(HERE, "fuyuan-2018.json"), "w", encoding="utf-8") as f:
    f.write("[\n  " + ",\n  ".join(
        json.dumps(r, ensure_ascii=False, separators=(", ", ": "))
        for r in records) + "\n]\n")

# The proposals alone as a table, the columns in Chinese.
with open(os.path.join(HERE, "fuyuan-2018-proposals.csv"), "w",
          encoding="utf-8", newline="") as f:
    f.write("编号,案由,提案人,承办单位,年度,状态,办理结果,面商,满意度\n")
    for p in proposals:
        f.write(",".join([p["number"], p["title"], p["submitter"],
                          p["handler"], "2018", "已办结", p["outcome"],
                          "是", p["satisfaction"]]) + "\n")
