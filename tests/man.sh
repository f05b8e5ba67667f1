#!/usr/bin/env bash
# tests/man.sh — the manual pages and the programs agree: every option a
# program's --help shows (and, for liandong, every command's --help) is in
# its man page; every command of 'liandong --help' has its section in
# liandong(1); every key of liandong.conf that core/config.c knows is in
# liandong.conf(5); and each page formats without warnings.
#
#   tests/man.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: tests/man.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
man=$build/man
bad=0
complain() { echo "man: $*" >&2; bad=1; }

# The options in a help text: --word, not inside a word.
options() { grep -o -- '\(^\|[^a-z-]\)--[a-z][a-z-]*' | sed 's/^[^-]*//' | sort -u; }
# The words of a roff page as man would show them: \- is -.
page_text() { sed 's/\\-/-/g; s/\\(dq/"/g' "$1"; }

check_opts() { # PAGE HELP-TEXT
	local page=$1 text
	text=$(page_text "$man/$page")
	while read -r opt; do
		[ -n "$opt" ] || continue
		grep -q -- "$opt\\b" <<<"$text" ||
			complain "$page lacks $opt (in --help)"
	done < <(options <<<"$2")
}

check_opts liandongd.8 "$("$build/daemon/liandongd" --help)"
check_opts liandong-report.1 "$("$build/clients/liandong-report" --help)"
check_opts liandong-web.8 "$("$build/web/liandong-web" --help)"

L=$build/clients/liandong
top=$("$L" --help)
check_opts liandong.1 "$top"
text=$(page_text "$man/liandong.1")
while read -r cmd; do
	[ "$cmd" = "plan item" ] && cmd="plan item set"
	help=$("$L" $cmd --help)
	check_opts liandong.1 "$help"
	grep -q "^\.SS \"liandong $cmd\\b" <<<"$text" ||
		complain "liandong.1 has no section for 'liandong $cmd'"
done < <(sed -n '/^Commands:/,/^$/p' <<<"$top" | grep '^  ' |
	sed 's/^  //; s/  .*//; s/ *$//') # the name: up to two blanks

# Every key core/config.c knows, and the [report NAME] keys.
conf=$(page_text "$man/liandong.conf.5")
keys=$(sed -n '/known_keys\[\] = {/,/};/p' "$src/core/config.c" |
	grep -o '"[a-z_]*\.[a-z_]*"' | tr -d '"')
for k in $keys "report NAME.plugin" "report NAME.every" \
	"report NAME.format" "report NAME.publish"; do
	sec=${k%%.*} key=${k#*.}
	# The key under its section's heading.
	awk -v s=".SH [$sec]" -v k="$key" '
		/^\.SH / { in_s = $0 == s }
		in_s && $0 == ".B " k { found = 1 }
		END { exit !found }' <<<"$conf" ||
		complain "liandong.conf.5 lacks [$sec] $key"
done

for p in "$man"/*.[158]; do
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null || true)
	[ -z "$w" ] || complain "$(basename "$p"): $w"
done
[ $bad -eq 0 ] && echo "man: every option and key is in its page"
exit $bad
