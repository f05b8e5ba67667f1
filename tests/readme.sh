#!/usr/bin/env bash
# tests/readme.sh — run the README's stories ("## N stories") exactly as written
# (every ```sh block of that section, in order, in one bash) against the
# binaries of BUILD_DIR, and check that they print what the stories say.
# Kills only the daemons the stories started (their pid files).
#
#   tests/readme.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: tests/readme.sh BUILD_DIR}" && pwd)
cd "$(dirname "$0")/.."
export PATH=$build/clients:$build/daemon:$PATH
export WORK=$(mktemp -d "${TMPDIR:-/tmp}/ld-readme.XXXXXX")
script=$WORK/stories.sh
log=$WORK/output.txt

cleanup() {
	local f
	for f in "$WORK"/*.pid "$WORK"/tree/*.pid; do
		[ -e "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
	done
	sleep 0.3
	rm -rf "$WORK"
}
trap cleanup EXIT

# The ```sh blocks between "## ... stories" and the next "## " heading;
# the PATH line is ours (BUILD_DIR may not be ./build).
awk '/^## [A-Z][a-z]* stories/ {on = 1; next}
     on && /^## / {on = 0}
     on && /^```sh$/ {code = 1; next}
     on && code && /^```$/ {code = 0; next}
     on && code' README.md | grep -v '^export PATH=' >"$script"
[ -s "$script" ] || { echo "readme: no story blocks found" >&2; exit 1; }

if ! timeout 300 bash -euo pipefail -x "$script" >"$log" 2>&1; then
	echo "readme: the stories failed; the last lines:" >&2
	tail -40 "$log" >&2
	exit 1
fi

fails=0
expect() {
	if ! grep -qF -- "$1" "$log"; then
		echo "readme: the stories did not print: $1" >&2
		fails=$((fails + 1))
	fi
}
# 4. Fuyuan's members
expect "富源县政协,50,49,98.0%,2,4.0%,0,0,—,50"
# 1. Sanming
expect "1 plan (9 items)"
expect "1. form=专题协商  month=10  topic=三明南部新城核心区建设  lead=罗裕明副主席  responsible=各专委会"
expect "2. form=对口界别协商  month=3  topic=三元区城乡饮用水源地保护  lead=罗裕明副主席  responsible=人口资源环境委  assisting=社会事业委"
expect "9. form=对口界别协商  month=11  topic=三元区城市与农村建设管理  lead=邓享华副主席  responsible=民族和宗教委"
expect "a plan item cannot go from held to adopted (allowed: outcome_submitted)"
# 2. Shaanxi
expect "tree: 7 offices running"
expect "6 targets: 3 reported (1 reviewed, 1 resubmitted), 0 returned, 1 overdue, 0 pending, 2 relayed"
expect "3 targets: 1 reported (0 reviewed, 0 resubmitted), 0 returned, 1 overdue, 0 pending, 1 relayed"
expect "缺少违建清单"
expect "days overdue"
expect "sha256 verified"
# 4. A 社情民意 up Shaanxi, and the city's report verified
expect "社情民意  关于加强秦岭水源地保护的建议  (李明, written at 610000/610300/610323)"
expect "  610000/610300  报送 forwarded  610000/610300:"
expect "  610000  采用 adopted  610000:"
expect "省政协主席  请省水利厅研究"
expect "| 市级 | 0 | 1 | 0 | 0 |"
expect "| 合计 | 1 | 1 | 1 | 1 |"
expect "8 figures: 8 match, 0 stale, 0 differ"
expect "      changed: 610000/610300/610323:"
expect "8 figures: 6 match, 2 stale, 0 differ"
expect "verify: exit 1"
# 3. Fuyuan
expect "surveys and inspections (调研/视察): 14"
expect "  调研               10"
expect "  视察                4"
expect "consultations held (协商): 6 of 6 planned"
expect "  提案督办            1   units 7"
expect "solved or being solved (A+B)  203 of 214 = 94.9%"
expect "面商率                        214 of 214 = 100.0%"
expect "满意率 (满意+基本满意)        214 of 214 = 100.0%"
[ -s "$WORK/富源2018提案.csv" ] || { echo "readme: no proposal export" >&2; fails=$((fails + 1)); }
cmp -s "$WORK/收到的报告.txt" "$WORK/岐山调研报告.txt" ||
	{ echo "readme: the attachment did not arrive intact" >&2; fails=$((fails + 1)); }
[ $fails -eq 0 ] || { echo "readme: $fails check(s) failed; output in $log" >&2; trap - EXIT; exit 1; }
echo "readme: the stories ran and printed what the README says"
