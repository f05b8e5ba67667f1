/* liandong.c — the command-line client: the table of commands, --help,
 * and dispatch to the command files (cmd_*.c).
 *
 * Exit codes: 0 ok; 1 refused or failed (one line on stderr); 2 usage. The
 * CLI checks the shape of the command line; the node checks the content. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- table */

static const struct cmd cmds[] = {
    {"init", NULL, ld_cli_run_init,
     "--data DIR --id PATH --name NAME [--level LEVEL] [--listen ENDPOINT] "
     "[--parent ENDPOINT --parent-key KEY] [--root-key KEY] [--insecure]",
     "Create a node's data directory and its configuration\n"
     "(DIR/liandong.conf). The store is created when liandongd first\n"
     "starts.\n\n"
     "  --id PATH          the node's path from the root, e.g.\n"
     "                     530000/530300/530325 (segments of A-Z a-z 0-9 "
     "_ -)\n"
     "  --name NAME        display name, e.g. 富源县政协\n"
     "  --level LEVEL      province, city, county ... (default from the "
     "depth)\n"
     "  --listen ENDPOINT  where children connect, e.g. "
     "tcp://0.0.0.0:7100\n"
     "  --parent ENDPOINT  the parent's listen endpoint, e.g.\n"
     "                     tcp://192.0.2.10:7100 (not for the root)\n"
     "  --parent-key KEY   the parent's key ('liandong key show' there);\n"
     "                     required with --parent\n"
     "  --root-key KEY     the root office's key, pinned here: every\n"
     "                     record's signature chains to it (required\n"
     "                     below the root's children)\n"
     "  --insecure         no CURVE, no signatures: for local experiments\n"
     "                     only; all nodes of a tree must agree\n\n"
     "Makes the node's keys (DIR/keys/node.key, mode 0600) and prints its\n"
     "public key for 'liandong child add' at the parent.\n"},
    {"config", "check", ld_cli_run_config_check, "[--data DIR | FILE]",
     "Check a configuration without starting anything, like slaptest:\n"
     "every mistake on one line, FILE:LINE: reason, on stderr; exit 0 if\n"
     "there is none, 1 otherwise. With --data DIR (or LIANDONG_DATA):\n"
     "DIR/liandong.conf, and the node's key, children and admins files.\n"
     "With FILE: that file (e.g. an example being prepared); relative\n"
     "paths in it are taken from its directory. Both check that the files\n"
     "it names exist: plugin_dir and each [report NAME]'s plugin, [web]\n"
     "cert and key (readable), the [notify] command (executable).\n"},
    {"key", "show", ld_cli_run_key_show, "[--json]",
     "Print this node's public key (ldk1.CURVE.SIGN) -- for 'liandong\n"
     "child add' at the parent, and for --parent-key at its children --\n"
     "and the root key it pinned. Needs no running daemon.\n"},
    {"key", "endorse", ld_cli_run_key_endorse, "PATH KEY",
     "At the root: endorse KEY as the key of PATH (below the root). A\n"
     "node whose key changes (rebuilt, or its key stolen) needs this: nodes\n"
     "that knew its earlier key accept a new one only with the root's\n"
     "endorsement. Prints the endorsement for 'liandong key endorsement'.\n"},
    {"key", "endorsement", ld_cli_run_key_endorsement, "ENDORSEMENT",
     "Install the root's endorsement of this node's keys (from 'liandong\n"
     "key endorse' at the root), after checking it. Restart liandongd to\n"
     "publish it in the node's record.\n"},
    {"child", "add", ld_cli_run_child_add, "PATH KEY",
     "Let the child PATH (one segment below this node) connect with KEY\n"
     "(printed by 'liandong key show' there). Adding a PATH again\n"
     "replaces its key (rotation). Takes effect at once if liandongd runs.\n"},
    {"child", "remove", ld_cli_run_child_remove, "PATH",
     "Revoke the child PATH: it is disconnected at once and refused from\n"
     "then on.\n"},
    {"child", "list", ld_cli_run_child_list, "",
     "Print the children allowed to connect, with their keys.\n"},
    {"admin", "keygen", ld_cli_run_admin_keygen, "--out FILE",
     "Make an administrator's key pair in FILE (mode 0600) for the remote\n"
     "API, and print its public key for 'liandong admin add' at a node.\n"},
    {"admin", "add", ld_cli_run_admin_add, "NAME KEY",
     "Let the administrator NAME use this node's remote API ([api] listen\n"
     "in its config) with KEY. Takes effect at once.\n"},
    {"admin", "remove", ld_cli_run_admin_remove, "NAME",
     "Revoke the administrator NAME: refused from the next request on.\n"},
    {"admin", "list", ld_cli_run_admin_list, "",
     "Print the administrators of the remote API, with their keys.\n"},
    {"user", "add", ld_cli_run_user_add,
     "NAME --role ROLE [--password-file FILE]",
     "Add a person who may sign in to this office's web console\n"
     "(liandong-web). Accounts live in DIR/users (mode 0600), local to\n"
     "this office and never replicated; the daemon need not run. The\n"
     "password (8 to 256 bytes) is asked twice on the terminal, and only\n"
     "its Argon2id hash is kept.\n\n"
     "  NAME                  1 to 64 bytes of UTF-8: no blanks, no control\n"
     "                        characters, no ':' (e.g. 张三 or zhang.san)\n"
     "  --role ROLE           administrator (管理员: manages users,\n"
     "                        children, keys), clerk (经办: writes tasks,\n"
     "                        surveys, plans, results, proposals), reviewer\n"
     "                        (审核: reviews results), reader (查阅); every\n"
     "                        role reads and runs reports\n"
     "  --password-file FILE  the password is FILE's first line ('-':\n"
     "                        standard input), for scripts\n"},
    {"user", "passwd", ld_cli_run_user_passwd, "NAME [--password-file FILE]",
     "Set a new password for NAME (asked twice on the terminal, or the\n"
     "first line of --password-file FILE; '-': standard input).\n"},
    {"user", "remove", ld_cli_run_user_remove, "NAME",
     "Remove the account NAME, its password and its API token. Records it\n"
     "wrote keep its name as their author.\n"},
    {"user", "list", ld_cli_run_user_list, "[--json]",
     "List this office's accounts: name, role, and whether each has a\n"
     "password and an API token (never the hashes).\n\n"
     "  --json             one JSON array\n"},
    {"user", "token", ld_cli_run_user_token, "NAME [--revoke]",
     "Make a new API token for NAME (for scripts using liandong-web's\n"
     "API with NAME's role) and print it: it is shown this once, only its\n"
     "SHA-256 is kept, and it replaces any earlier token of NAME.\n\n"
     "  --revoke           remove NAME's token instead\n"},
    {"task", "add", ld_cli_run_task_add,
     "--topic TEXT --form FORM --scope PATH [--scope PATH]... "
     "[--due YYYY-MM-DD] [--target UNIT]... [--parent-task ID] [--json]",
     "Publish a supervision task (民主监督任务) to the offices in scope.\n"
     "Prints the new record's id.\n\n"
     "  --topic TEXT       what is supervised, e.g. 优化营商环境\n"
     "  --form FORM        监督性视察 (inspection), 明查暗访 "
     "(unannounced),\n"
     "                     问卷调查 (questionnaire), 民主评议 "
     "(appraisal),\n"
     "                     提案督办 (proposal-followup), 跟踪问效 "
     "(follow-up)\n"
     "  --scope PATH       an office the task goes to, with everything "
     "below it\n"
     "  --due DATE         YYYY-MM-DD\n"
     "  --target UNIT      a unit under supervision (被监督单位)\n"
     "  --parent-task ID   the task this one was derived from\n"
     "  --json             print {\"id\": ...} instead of the bare id\n"},
    {"plan", "add", ld_cli_run_plan_add,
     "--year N --title TEXT [--scope PATH]... [--item "
     "'FORM|MONTH|TOPIC|LEAD|RESPONSIBLE|ASSISTING']... [--json]",
     "Publish an annual consultation plan (协商计划). Without --scope it\n"
     "goes to this node's whole subtree. Prints the new record's id.\n\n"
     "  --year N           the plan's year\n"
     "  --title TEXT       e.g. 2017年协商计划\n"
     "  --item SPEC        one activity: FORM|MONTH|TOPIC|LEAD|RESPONSIBLE|"
     "ASSISTING\n"
     "                     FORM: 专题协商 对口协商 界别协商 对口界别协商\n"
     "                     提案办理协商 双月协商 重点协商 其他; MONTH 1-12 "
     "or\n"
     "                     empty; trailing fields may be left out\n"},
    {"survey", "add", ld_cli_run_survey_add,
     "--topic TEXT --form FORM --scope PATH [--scope PATH]... "
     "[--start DATE] [--end DATE] [--json]",
     "Announce a survey or inspection (调研/视察/联合调研) to the offices\n"
     "taking part. Prints the new record's id.\n\n"
     "  --form FORM        调研 (survey), 视察 (inspection), 联合调研 "
     "(joint)\n"
     "  --start, --end     YYYY-MM-DD\n"},
    {"result", "add", ld_cli_run_result_add,
     "--ref ID --summary TEXT [--metric NAME=NUMBER]... [--finding TEXT]... "
     "[--plan-item N] [--attach FILE]... [--json]",
     "Report a result (成果) for a task, survey or plan this node holds.\n"
     "It goes up to every ancestor. Prints the new record's id.\n\n"
     "  --ref ID           the task, survey or plan answered\n"
     "  --metric N=V       a figure, e.g. 调研=10 or 满意率=1.0\n"
     "  --finding TEXT     one finding (问题/建议)\n"
     "  --plan-item N      the plan item answered (1-based)\n"
     "  --attach FILE      attach a file (report, photos, questionnaire;\n"
     "                     up to 16 MiB each, 16 files): its SHA-256 goes\n"
     "                     into the signed record and the bytes follow in\n"
     "                     256 KiB chunks, fetched by every ancestor\n"},
    {"attachment", "get", ld_cli_run_attachment_get,
     "RESULT_ID --out FILE [--name NAME | --index N] [--timeout SECONDS]",
     "Save an attachment of a result to FILE, checking it against the\n"
     "SHA-256 its owner signed. At an ancestor the bytes arrive after the\n"
     "record; until they all have, this says how many chunks are here.\n\n"
     "  --out FILE         where to write it (written as FILE.part, then\n"
     "                     renamed once verified)\n"
     "  --name NAME        the attachment with this file name\n"
     "  --index N          the Nth attachment (1-based); needed, like\n"
     "                     --name, only when there are several\n"
     "  --timeout SECONDS  wait up to this long for chunks still being\n"
     "                     fetched (default 0: do not wait)\n"},
    {"review", "add", ld_cli_run_review_add,
     "--ref RESULT_ID --verdict accepted|returned|rectify [--comment TEXT] "
     "[--json]",
     "Review a result from this node's subtree (审核/反馈). The review\n"
     "goes down to the result's owner. Prints the new record's id.\n"},
    {"proposal", "add", ld_cli_run_proposal_add,
     "--title TEXT [--number N] [--submitter NAME] [--handler UNIT] "
     "[--year Y] [--status S] [--outcome A|B|C] [--face-to-face yes|no] "
     "[--satisfaction S] [--cosigner NAME]... [--assist UNIT]... "
     "[--key yes|no] [--supervisor NAME] [--filed-on DATE] "
     "[--deadline DATE] [--extend] [--json]",
     "Record a proposal (提案) this office handles. It goes up to every\n"
     "ancestor. Prints the new record's id.\n\n"
     "  --number N         提案号\n"
     "  --submitter NAME   提案人 (a member, a group, a party ...)\n"
     "  --handler UNIT     承办单位\n"
     "  --year Y           the session year (default: this year)\n"
     "  --status S         submitted (default), filed, not_filed, "
     "assigned,\n"
     "                     replied, evaluated, closed (a proposal entered "
     "after\n"
     "                     the fact may start in any status)\n"
     "  --outcome X        A 已解决或基本解决, B 正在解决或列入计划, C 暂不能"
     "解决;\n"
     "                     required from replied on\n"
     "  --face-to-face Y   面商: yes or no\n"
     "  --satisfaction S   满意, 基本满意, 不满意; required from evaluated "
     "on\n"
     "  --cosigner NAME    联名: a member who co-signed (repeatable)\n"
     "  --assist UNIT      协办单位 (repeatable); --handler is the lead, "
     "主办\n"
     "  --key yes|no       重点提案; needs --supervisor, the leader who\n"
     "                     supervises it (督办)\n"
     "  --filed-on DATE    the day it was filed (立案)\n"
     "  --deadline DATE    reply deadline (default: --filed-on + 2 "
     "months);\n"
     "                     past it while filed or assigned, the proposal "
     "is\n"
     "                     overdue in 'inbox'\n"
     "  --extend           the deadline was extended by a month (once)\n"},
    {"task", "set", ld_cli_run_task_set,
     "ID [--status S] [--topic T] [--form F] [--due DATE] [--target U]... "
     "[--scope PATH]... [--json]",
     "Change a task this node owns. The status moves as the task's\n"
     "lifecycle allows:\n"
     "  draft -> dispatched -> in_progress -> reported -> reviewed\n"
     "  reviewed -> rectifying -> closed, or reviewed -> closed\n"
     "  cancelled from any open status; closed and cancelled are final.\n"
     "Statuses may be given in Chinese (已下发, 办理中, 已上报, 已审核,\n"
     "整改中, 已办结, 已取消). --target and --scope replace the lists.\n"
     "Prints the id.\n"},
    {"survey", "set", ld_cli_run_survey_set,
     "ID [--status S] [--topic T] [--form F] [--start DATE] [--end DATE] "
     "[--scope PATH]... [--json]",
     "Change a survey this node owns: planned -> in_field -> reporting\n"
     "-> closed, cancelled from any open status. --scope replaces the\n"
     "offices taking part. Prints the id.\n"},
    {"plan", "set", ld_cli_run_plan_set,
     "ID [--title T] [--year Y] [--item SPEC]... [--scope PATH]... [--json]",
     "Change a plan this node owns. --item adds items (FORM|MONTH|TOPIC|\n"
     "LEAD|RESPONSIBLE|ASSISTING, as for 'plan add'); items are never\n"
     "removed (cancel one instead). A plan has no status of its own: each\n"
     "item has one, set with 'liandong plan item set'. Prints the id.\n"},
    {"plan", "item", ld_cli_run_plan_item,
     "set PLAN_ID N [--status S] [--form F] [--month M] [--topic T] "
     "[--lead L] [--responsible R] [--assisting A] [--json]",
     "Change item N (from 1) of a plan this node owns. The status moves:\n"
     "  planned -> held -> outcome_submitted -> adopted\n"
     "  planned -> deferred -> planned or held; planned or deferred ->\n"
     "  cancelled. adopted and cancelled are final.\n"
     "In Chinese: 计划中, 已举行, 成果已报送, 已采纳, 延期, 已取消.\n"
     "Prints the plan's id.\n"},
    {"result", "set", ld_cli_run_result_set,
     "ID [--status submitted] [--summary T] [--metric N=V]... "
     "[--finding T]... [--json]",
     "Change a result this node owns: a draft may be edited and then\n"
     "submitted; a submitted result is revised only after a review\n"
     "returns it (returned/退回 or rectify/整改), and the revision is its\n"
     "resubmission. --metric and --finding replace the lists. Prints the\n"
     "id.\n"},
    {"review", "set", ld_cli_run_review_set,
     "ID [--verdict V] [--comment T] [--json]",
     "Change a review this node owns; it then reviews the result as it\n"
     "is now (a resubmitted result gets a fresh verdict). Prints the id.\n"},
    {"proposal", "set", ld_cli_run_proposal_set,
     "ID [--status S] [--handler UNIT] [--outcome A|B|C] "
     "[--face-to-face yes|no] [--satisfaction S] [--title T] [--number N] "
     "[--submitter NAME] [--year Y] [--cosigner NAME]... [--assist UNIT]... "
     "[--key yes|no] [--supervisor NAME] [--filed-on DATE] "
     "[--deadline DATE] [--extend] [--json]",
     "Change a proposal this node handles. The status moves:\n"
     "  submitted -> filed -> assigned -> replied -> evaluated -> closed\n"
     "  submitted -> not_filed -> closed\n"
     "In Chinese: 已提交, 已立案, 不予立案, 已交办, 已答复, 已测评, 已办结.\n"
     "From replied on it needs --outcome; from evaluated on\n"
     "--satisfaction. --extend extends the reply deadline by one month,\n"
     "once. The other options are those of 'proposal add'. Prints the "
     "id.\n"},
    {"opinion", "add", ld_cli_run_opinion_add,
     "--title TEXT --content TEXT --member NAME [--year Y] [--json]",
     "Write a 社情民意信息 (public-opinion report) at this office, by or\n"
     "for a member (委员). It goes up to the parent; each office above\n"
     "adopts it (采用), forwards it further up (报送) or records a\n"
     "leader's 批示, and the writer sees each of these (opinion trail).\n"
     "Prints the new record's id.\n\n"
     "  --member NAME      the member who wrote it, or for whom it is "
     "written\n"
     "  --year Y           the year it counts for (default: this year)\n"},
    {"opinion", "adopt", ld_cli_run_opinion_act, "ID [--comment TEXT] [--json]",
     "Adopt (采用) a 社情民意 from below. It must have reached this\n"
     "office: written one level below, or forwarded (报送) by the office\n"
     "one level below. The action goes down to the writer.\n"},
    {"opinion", "forward", ld_cli_run_opinion_act,
     "ID [--comment TEXT] [--json]",
     "Forward (报送) a 社情民意 from below to this office's parent, which\n"
     "may then adopt it, forward it further or instruct on it.\n"},
    {"opinion", "instruct", ld_cli_run_opinion_act,
     "ID --leader NAME [--comment TEXT] [--json]",
     "Record a leader's 批示 on a 社情民意 that reached this office.\n"},
    {"opinion", "set", ld_cli_run_opinion_set,
     "ID [--title T] [--content TEXT] [--member NAME] [--year Y] [--json]",
     "Change a 社情民意 this office wrote. Offices above see the new\n"
     "version; a report that counted the old one is then stale (verify).\n"},
    {"opinion", "trail", ld_cli_run_opinion_trail, "ID [--json]",
     "Show a 社情民意 and what each office above did with it, nearest\n"
     "level first: forwarded (报送), adopted (采用), instructed (批示).\n"},
    {"verify", NULL, ld_cli_run_verify, "REPORT_ID [--json]",
     "Recompute a published report's figures from the signed records\n"
     "this node holds: the report's plugin runs again with the settings\n"
     "it was published with, as the office that published it. For each\n"
     "figure: match, stale (a record behind it changed or went since it\n"
     "was published: named with its versions) or differs (the number is\n"
     "not the one published), and the record ids and versions behind it.\n"
     "A plugin that does not name its records (SDK before 1.2) gets its\n"
     "figures compared only. Exits 0 when every figure matches, 1 if not.\n"},
    {"member", "add", ld_cli_run_member_add,
     "--name NAME [--sector S] [--committee C] [--group G] [--term T] "
     "[--status S] [--joined DATE] [--new yes|no] [--phone P] "
     "[--address A] [--id-number N] [--email E] [--json]",
     "Record a member (委员) of this office's committee. The record goes\n"
     "up to every ancestor (for their figures), never down or sideways.\n\n"
     "  --name NAME        姓名 (required)\n"
     "  --sector S         界别, e.g. 经济界\n"
     "  --committee C      专委会, e.g. 提案委员会\n"
     "  --group G          委员小组\n"
     "  --term T           届次, e.g. 十二届\n"
     "  --status S         active (在任, the default), left (离任),\n"
     "                     adjusted (已调整)\n"
     "  --joined DATE      YYYY-MM-DD\n"
     "  --new yes|no       新任委员 (first term): counted apart for\n"
     "                     training coverage\n"
     "  --phone, --address, --id-number, --email\n"
     "                     personal details: kept only in this office's\n"
     "                     DIR/members.private (mode 0600), never in the\n"
     "                     record, never replicated (not over --remote)\n\n"
     "Prints the id.\n"},
    {"member", "set", ld_cli_run_member_set,
     "ID [--status S] [--name NAME] [--sector S] [--committee C] "
     "[--group G] [--term T] [--joined DATE] [--new yes|no] [--json]",
     "Change a member this office owns. The status moves:\n"
     "  active -> left, active -> adjusted (在任 -> 离任 / 已调整);\n"
     "both are final. Prints the id.\n"},
    {"member", "contact", ld_cli_run_member_contact,
     "ID [--phone P] [--address A] [--id-number N] [--email E] [--json]",
     "Show, or set, the personal details of a member this office owns.\n"
     "They live in DIR/members.private only: never in a record, never\n"
     "sent to another office.\n"},
    {"member", "import", ld_cli_run_member_import, "FILE [--dry-run] [--json]",
     "Create members from a roster (CSV, UTF-8) exported from a\n"
     "spreadsheet. A file saved as GBK is converted first:\n"
     "  iconv -f GBK -t UTF-8 roster.csv > roster.utf8.csv\n"
     "(a byte that is not UTF-8 is refused with its line). Columns, by\n"
     "their Chinese or English names: 姓名/name (required), 界别/sector,\n"
     "专委会/committee, 委员小组/group, 届次/term, 状态/status,\n"
     "加入日期/joined, 新任委员/new (是/否), 电话/phone, 地址/address,\n"
     "身份证号/id_number, 邮箱/email; 序号 is ignored. The file is\n"
     "checked whole before the first member is written; personal\n"
     "columns go to DIR/members.private only.\n"},
    {"duty", "add", ld_cli_run_duty_add,
     "--activity A --date DATE --member ID [--member ID]... [--ref ID] "
     "[--note TEXT] [--json]",
     "Record that members took part in an activity (履职记录): one record\n"
     "for everyone who attended, each member counted once. It goes up to\n"
     "every ancestor, never down or sideways.\n\n"
     "  --activity A       调研 (survey), 视察 (inspection), 协商\n"
     "                     (consultation), 会议 (meeting), 培训 (training),\n"
     "                     提案 (proposal), 社情民意 (opinion), 建议\n"
     "                     (suggestion), 实事 (deed)\n"
     "  --date DATE        YYYY-MM-DD: the year it counts for\n"
     "  --member ID        a member held here (this office's or below);\n"
     "                     repeat for each participant (at most 256)\n"
     "  --ref ID           the record it is about (a survey, a proposal ...)\n"
     "Prints the id.\n"},
    {"duty", "set", ld_cli_run_duty_set,
     "ID [--activity A] [--date DATE] [--member ID]... [--ref ID] "
     "[--note TEXT] [--json]",
     "Correct a duty entry this office wrote; --member replaces the list\n"
     "of participants. Prints the id.\n"},
    {"delete", NULL, ld_cli_run_delete, "ID [--json]",
     "Delete a record this node owns. It becomes a tombstone that\n"
     "replicates like any change, so every node that held it learns of\n"
     "the deletion. Records of other nodes cannot be deleted here.\n"},
    {"list", NULL, ld_cli_run_list, "[--kind KIND] [--owner PATH] [--json]",
     "List the records this node holds, by owner and id.\n\n"
     "  --kind KIND        node, plan, survey, task, result, review, "
     "proposal, report,\n"
     "                     opinion, opinion-action, member, duty, health\n"
     "  --owner PATH       only records owned by PATH or below it\n"
     "  --json             one JSON array of records\n"},
    {"show", NULL, ld_cli_run_show, "ID [--json]",
     "Show one record with all its fields, and who wrote this version\n"
     "(author).\n\n"
     "  --json             one JSON object\n"},
    {"history", NULL, ld_cli_run_history, "ID [--json]",
     "List the versions of a record this node has stored, oldest first:\n"
     "version, time (local), who wrote it and its status, e.g.\n"
     "  v2  2026-11-23 10:12  张三  submitted\n"
     "A version a peer replaced before sending it here is not listed; at\n"
     "most the newest 200 are.\n\n"
     "  --json             one JSON object\n"},
    {"progress", NULL, ld_cli_run_progress,
     "TASK_ID | --proposals [--today DATE] [--json]",
     "Show where every office reached by a task stands: reported,\n"
     "reviewed, returned, overdue. Targets are the offices its scope\n"
     "covers (a scope entry expands to every office known below it), and\n"
     "for a linked task the offices reached by the sub-tasks derived from\n"
     "it, grouped by the office one level below the task's owner (the\n"
     "city, for a provincial task). Works at any node for what its\n"
     "subtree holds.\n\n"
     "States: pending (待报送), relayed (已转办: it derived a sub-task),\n"
     "overdue (逾期: due date passed, nothing submitted), reported\n"
     "(已报送), resubmitted (已重报), reviewed (已审核), returned (已退回),\n"
     "rectify (整改中).\n\n"
     "With --proposals instead of a task: the proposals awaiting their\n"
     "handler's reply (filed or assigned) of this office and the offices\n"
     "below it, with 主办, 协办, 督办 and the reply deadline (延期 if\n"
     "extended), overdue ones (逾期) first, as the inbox counts them.\n\n"
     "  --proposals        the proposals awaiting a reply, not a task\n"
     "  --today DATE       count overdue as of DATE (YYYY-MM-DD; default\n"
     "                     the node's local date)\n"
     "  --json             one JSON object: rows and totals\n"},
    {"inbox", NULL, ld_cli_run_inbox, "[--today DATE] [--days N] [--json]",
     "Show what this office must act on: tasks and surveys addressed to\n"
     "it that it has not answered (report), its results returned or sent\n"
     "back for rectification (revise), and results answering its own\n"
     "tasks that await its review (review). Overdue items come first,\n"
     "then by due date.\n\n"
     "  --today DATE       as of DATE (YYYY-MM-DD; default today)\n"
     "  --days N           mark items due within N days (default 7)\n"
     "  --json             one JSON object\n"},
    {"wait", NULL, ld_cli_run_wait, "ID [--version N] [--timeout SECONDS]",
     "Wait until this node holds record ID (at version N or later), then\n"
     "print its id and version: for scripts that go on once a task has\n"
     "reached an office or a result has come up.\n\n"
     "  --version N        at least this version (default 1)\n"
     "  --timeout SECONDS  give up after this long (1 .. 600, default 30):\n"
     "                     exit code 1\n"},
    {"plugins", NULL, ld_cli_run_plugins, "[--json]",
     "List the report plugins in the node's plugin directory ([report]\n"
     "plugin_dir in its liandong.conf): name, version, ABI, formats and\n"
     "file, each checked by 'liandong-report --probe'; a file that is\n"
     "not a usable plugin is listed with the reason it was refused.\n"},
    {"report", "list", ld_cli_run_report_list, "[--owner PATH] [--json]",
     "List the reports published here: this office's scheduled reports\n"
     "([report NAME] sections with publish = up) and those its\n"
     "descendants published, which come up like results. Each shows\n"
     "its plugin, period, format, size and figures.\n\n"
     "  --owner PATH       only those of PATH and the offices below it\n"
     "  --json             one JSON array\n"},
    {"report", "get", ld_cli_run_report_get, "REPORT_ID --out FILE",
     "Save a published report's content to FILE ('-': standard output).\n"},
    {"report", NULL, ld_cli_run_report,
     "NAME [--format md|csv|json|html] [--year Y] [--scope PATH] "
     "[--out FILE] [--bom] [--set KEY=VALUE]... [--timeout S]",
     "Run the report plugin NAME over the records this node holds and\n"
     "write the report (to standard output, or FILE). The plugin runs in\n"
     "liandong-report, a separate process with the store opened\n"
     "read-only, killed if it takes longer than the timeout: a plugin\n"
     "that crashes or hangs costs this report, never the node.\n\n"
     "  --format F         md (default), csv, json or html\n"
     "  --year Y           only year Y (default: all years)\n"
     "  --scope PATH       the office reported on, with its subtree\n"
     "                     (default: this node's office)\n"
     "  --out FILE         write there, whole or not at all\n"
     "  --bom              CSV: start with a UTF-8 byte order mark\n"
     "  --set KEY=VALUE    a setting of the plugin (see its docs)\n"
     "  --timeout S        seconds it may run (default [report]\n"
     "                     timeout_s, 30)\n"},
    {"figures", NULL, ld_cli_run_figures, "[--year Y] [--owner PATH] [--json]",
     "Count the year's work (年度履职统计) from the records this node holds\n"
     "for an office and its subtree: surveys and inspections by form\n"
     "(调研, 视察 ...), consultations held (plan items held, outcome\n"
     "submitted or adopted) by form of those planned (not cancelled),\n"
     "supervision tasks by form with the\n"
     "units they covered (被监督单位), and proposals: filed, answered A/B/C,\n"
     "the share solved or being solved (A+B of those answered), 面商率 (of\n"
     "those answered) and 满意率 (满意 or 基本满意, of those rated); with\n"
     "members, 委员参与率: members in office with a duty entry that year\n"
     "of those in office, as the members report counts it.\n\n"
     "  --year Y           only year Y: plans and proposals by their year,\n"
     "                     surveys by the year they started (else ended),\n"
     "                     tasks by the year they are due, anything\n"
     "                     else by the year it was last written\n"
     "                     (default: every year)\n"
     "  --owner PATH       records owned by PATH and below (default: this\n"
     "                     office)\n"
     "  --json             one JSON object\n"},
    {"status", NULL, ld_cli_run_status, "[--tree] [--json]",
     "Show this node, its parent and its children: connected or not,\n"
     "the cursors on each other's logs, and how far behind each is.\n\n"
     "  --tree             also every office below this one that this\n"
     "                     node knows of, with the state of its links as\n"
     "                     its newest HEALTH record says, and SILENT when\n"
     "                     that is older than [health] silent_after (or\n"
     "                     it never sent one)\n"
     "  --json             one JSON object\n"},
    {"backup", NULL, ld_cli_run_backup,
     "--out FILE [--with-key [--passphrase-file FILE]]",
     "Back up this node while it runs: the daemon copies its store\n"
     "(compacted, as one read transaction sees it) and the copy goes into\n"
     "FILE with this office's configuration files (liandong.conf, the\n"
     "children and administrators allowed in, the accounts file users)\n"
     "and a checksum. Only on the node's own machine (not over\n"
     "--remote). FILE must not exist.\n\n"
     "  --out FILE              the backup file to write\n"
     "  --with-key              also the node's key (keys/node.key and the\n"
     "                          root's endorsement), sealed with a\n"
     "                          passphrase (Argon2id, secretbox); asked on\n"
     "                          the terminal twice\n"
     "  --passphrase-file FILE  the passphrase is FILE's first line (for\n"
     "                          scripts)\n"},
    {"restore", NULL, ld_cli_run_restore,
     "FILE --data DIR [--passphrase-file FILE | --no-key]",
     "Restore a backup into DIR, which must not hold a running node. The\n"
     "checksum is checked first: a damaged file is refused and nothing is\n"
     "written. If DIR has no liandong.conf (a new machine), the backup\n"
     "makes the office's directory from the configuration it holds; if it\n"
     "has one, it must be of the same office and is kept, and so are the\n"
     "children, admins and users files DIR has. A backup from before\n"
     "backups held the configuration (format 1) needs DIR made first\n"
     "with 'liandong init' and the same --id. The store goes to DIR/store,\n"
     "the node key (if the backup has it and the passphrase opens it) to\n"
     "DIR/keys; without it, DIR keeps its key, or an office below the\n"
     "root that has none gets a new one (printed, with the steps to have\n"
     "it endorsed and enrolled). Warns about absolute paths in\n"
     "liandong.conf this machine lacks. At its next start liandongd takes\n"
     "a new log epoch and, below the root, writes nothing of its own until\n"
     "its parent has sent back this office's records (its subtree's,\n"
     "newest versions); 'liandong status' says how far that is.\n\n"
     "  --passphrase-file FILE  the passphrase is FILE's first line (else\n"
     "                          it is asked on the terminal)\n"
     "  --no-key                leave the backup's node key out (keep the\n"
     "                          key DIR has)\n"},
    {"import", NULL, ld_cli_run_import,
     "FILE [--kind plan|proposal] [--scope PATH]... [--dry-run] [--json]",
     "Create plans, surveys, tasks or proposals from a file. A CSV file\n"
     "holds plan items or proposals; a JSON file holds records as\n"
     "'liandong export --json' writes them, members, duty entries,\n"
     "opinions and opinion actions too (a duty entry naming a member of\n"
     "the same file names its new id). The whole file is checked\n"
     "first, with the node's own rules: one bad value refuses the file\n"
     "with its line and field, and nothing is written. The new records\n"
     "belong to this node (ids, owners and versions in a JSON file are\n"
     "not taken). Results, reviews, reports and node records in a JSON\n"
     "file (a whole export holds them) are skipped and counted in the\n"
     "summary: they answer records by ids a new node does not have.\n"
     "The records go to the node 1,000 to a request, each request\n"
     "written whole or not at all. FILE '-' is standard input.\n\n"
     "CSV: UTF-8 (a byte order mark is fine), RFC 4180 quoting, a header\n"
     "row naming the columns in English or Chinese, then one row per plan\n"
     "item or proposal:\n"
     "  plan      year/年度 title/计划名称 form/形式 topic/议题 (required)\n"
     "            month/月份 (10 or 10月) lead/牵头 responsible/负责\n"
     "            assisting/协助 status/状态 scope/范围 (paths, spaces\n"
     "            between); rows with the same year and title are one plan\n"
     "  proposal  title/案由 (required) number/编号 submitter/提案人\n"
     "            handler/承办单位 year/年度 status/状态 outcome/办理结果\n"
     "            face_to_face/面商 (是/否) satisfaction/满意度\n"
     "The columns tell which of the two a file holds. Forms, statuses,\n"
     "outcomes and satisfaction take the words 'plan add' and 'proposal\n"
     "add' take, in Chinese or English. See docs/import-export.md.\n\n"
     "  --kind K           plan or proposal: what a CSV file holds, when\n"
     "                     its columns do not tell\n"
     "  --scope PATH       send the plans, surveys and tasks to PATH and\n"
     "                     below instead of the file's scope (repeatable)\n"
     "  --dry-run          check the file against the node; write nothing\n"
     "  --json             print {\"imported\": N, ..., \"ids\": [...]}\n"},
    {"export", NULL, ld_cli_run_export,
     "[--kind KIND] [--owner PATH] [--json | --csv] [--out FILE]",
     "Write records as JSON or CSV, the way import reads them.\n"
     "Without --kind: every kind this office writes (plans, surveys,\n"
     "tasks, proposals, results, reviews, reports; import creates the\n"
     "first four and skips the rest, saying how many); without --owner:\n"
     "only the records this node owns. Deleted records are left out.\n\n"
     "  --kind KIND        only this kind: plan, survey, task, proposal,\n"
     "                     result, review, report or node\n"
     "  --owner PATH       the records of PATH and every office below it,\n"
     "                     e.g. all proposals of a city's counties\n"
     "  --json             an array of records as 'list --json' writes\n"
     "                     (the default)\n"
     "  --csv              a table with the columns import reads (Chinese\n"
     "                     names and statuses, a plan one row per item);\n"
     "                     needs --kind plan or --kind proposal\n"
     "  --out FILE         write FILE (replaced whole) instead of stdout\n"},
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* The first sentence of a help text on one line, at most `cols` columns
 * wide (a CJK character takes two); a longer one is cut at a space and
 * marked " ...". `out` has room for `len` bytes. */
static void
first_sentence(const char *h, char *out, size_t len, int cols)
{
	size_t n = 0, space = 0;
	int w = 0;
	bool cut = false;
	while (*h != '\0') {
		if (*h == '.' && (h[1] == ' ' || h[1] == '\n' || h[1] == '\0'))
			break;
		unsigned char ch = (unsigned char)*h;
		size_t cl = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc0 ? 2 : 1;
		int cw = cl >= 3 ? 2 : 1;
		if (w + cw > cols || n + cl + 5 > len) {
			cut = true;
			break;
		}
		if (*h == ' ' || *h == '\n')
			space = n;
		memcpy(out + n, h, cl);
		if (*h == '\n')
			out[n] = ' ';
		n += cl;
		h += cl;
		w += cw;
	}
	if (cut) {
		n = space;
		while (n > 0 && out[n - 1] == ' ')
			n--;
		memcpy(out + n, " ...", 5);
	} else {
		out[n] = '\0';
	}
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: liandong [--data DIR] [--as NAME] <command> "
	           "[options]\n\n"
	           "Commands:\n");
	for (size_t i = 0; i < NCMDS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "%s%s%s%s", cmds[i].name,
		         cmds[i].sub ? " " : "", cmds[i].sub ? cmds[i].sub : "",
		         cmds[i].run == ld_cli_run_plan_item ? " set" : "");
		char brief[256];
		first_sentence(cmds[i].help, brief, sizeof(brief), 56);
		/* Two blanks at least after the longest name ("opinion
		 * instruct"): the name ends where they start. */
		fprintf(f, "  %-16s  %s\n", name, brief);
	}
	fprintf(f, "\nOptions: -d, --data DIR (default $LIANDONG_DATA); -h, "
	           "--help; -V, --version.\nRemote API: --remote ENDPOINT "
	           "--server-key KEY --key-file FILE (default\n"
	           "$LIANDONG_KEY_FILE) instead of --data, for the commands "
	           "that talk to a node.\n--as NAME: the person every write "
	           "is recorded as (its author; default:\nthe local account's "
	           "name).\n'liandong <command> --help' "
	           "explains a command. add and set commands take --json.\nExit "
	           "codes: 0 ok, 1 refused (reason on stderr), 2 usage.\n");
}

/* A command's exit code: after --help (LD_CLI_HELP) it has succeeded. */
static int
exit_code(int rc)
{
	return rc == LD_CLI_HELP ? 0 : rc;
}

int
main(int argc, char **argv)
{
	ld_cli_data_dir = getenv("LIANDONG_DATA");
	static const struct option gopts[] = {
	    {"data", required_argument, NULL, 'd'},
	    {"remote", required_argument, NULL, 'r'},
	    {"server-key", required_argument, NULL, 's'},
	    {"key-file", required_argument, NULL, 'k'},
	    {"as", required_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	ld_cli_key_file = getenv("LIANDONG_KEY_FILE");
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, "+:d:hV", gopts, NULL)) != -1) {
		switch (o) {
		case 'd':
			ld_cli_data_dir = optarg;
			break;
		case 'r':
			ld_cli_remote = optarg;
			break;
		case 's':
			ld_cli_server_key = optarg;
			break;
		case 'k':
			ld_cli_key_file = optarg;
			break;
		case 'a':
			if (ld_cli_check_as(optarg) != 0)
				return 2;
			ld_cli_as = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("liandong %s\n", LD_VERSION);
			return 0;
		default:
			fprintf(stderr, "liandong: unknown option '%s' (see "
			                "'liandong --help')\n",
			        argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[optind];
	const char *sub = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (strcmp(name, "help") == 0) {
		usage(stdout);
		return 0;
	}
	bool known = false;
	for (size_t i = 0; i < NCMDS; i++) {
		const struct cmd *c = &cmds[i];
		if (strcmp(c->name, name) != 0)
			continue;
		/* "liandong task --help": the help of "task add" (of
		 * "report" itself when it has a form without a subcommand). */
		if (c->sub != NULL && sub != NULL &&
		    (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)) {
			for (size_t k = i + 1; k < NCMDS; k++)
				if (strcmp(cmds[k].name, name) == 0 &&
				    cmds[k].sub == NULL)
					return ld_cli_print_help(&cmds[k]);
			return ld_cli_print_help(c);
		}
		known = true;
		if (c->sub == NULL)
			return exit_code(
			    c->run(c, argc - optind, argv + optind));
		if (sub != NULL && strcmp(c->sub, sub) == 0)
			return exit_code(
			    c->run(c, argc - optind - 1, argv + optind + 1));
	}
	if (known)
		fprintf(stderr, "liandong %s: unknown or missing subcommand%s%s "
		                "(try 'liandong %s add --help')\n",
		        name, sub ? " " : "", sub ? sub : "", name);
	else
		fprintf(stderr, "liandong: unknown command '%s' (see "
		                "'liandong --help')\n",
		        name);
	return 2;
}
