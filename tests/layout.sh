#!/usr/bin/env bash
# tests/layout.sh — the arrows between the parts (docs/architecture.md),
# checked on the sources: each part includes only its own headers and
# those of the parts it may use, and only the parts that do I/O of a kind
# include that kind's library. Prints every breach; exits 1 if any.
set -euo pipefail
cd "$(dirname "$0")/.."

# part: the parts whose headers it may include (besides its own).
declare -A uses=(
	[core]=""
	[store]="core"
	[daemon]="core store"
	[report]="core store plugins/include"
	[api]="core"
	[clients]="core api"
	[web]="core api"
)
# part: system headers it must not include.
declare -A banned=(
	[core]="zmq.h lmdb.h dlfcn.h microhttpd.h"
	[store]="zmq.h dlfcn.h microhttpd.h"
	[daemon]="dlfcn.h microhttpd.h"
	[report]="zmq.h microhttpd.h"
	[api]="lmdb.h dlfcn.h microhttpd.h"
	[clients]="lmdb.h dlfcn.h microhttpd.h"
	[web]="lmdb.h dlfcn.h"
)
bad=0
breach() { echo "layout: $*"; bad=1; }

for part in "${!uses[@]}"; do
	for f in "$part"/*.[ch]; do
		[ -e "$f" ] || continue
		while IFS= read -r inc; do
			case "$inc" in
			*..*) breach "$f includes \"$inc\" by a relative path" ;;
			liandong.pb-c.h) ;;
			*)
				found=0
				for d in "$part" ${uses[$part]}; do
					[ -e "$d/$inc" ] && found=1
				done
				[ $found -eq 1 ] ||
					breach "$f includes \"$inc\", which is not in $part/ or a part it may use (${uses[$part]:-none})"
				;;
			esac
		done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
		for h in ${banned[$part]}; do
			grep -qE "^[[:space:]]*#[[:space:]]*include[[:space:]]*<$h>" "$f" &&
				breach "$f includes <$h>, which $part/ may not use"
		done
	done
done

# Plugins see the SDK header only.
for f in plugins/*/*.c; do
	if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" >/dev/null; then
		breach "$f includes a project header; plugins see only <liandong/plugin.h>"
	fi
done

# Comments point into the repository, not to a document outside it.
if grep -rn 'DESIGN §\|DESIGN\.md' core store daemon report api clients web plugins tests/*/*.[ch] >/dev/null; then
	grep -rn 'DESIGN §\|DESIGN\.md' core store daemon report api clients web plugins tests/*/*.[ch] | sed 's/^/layout: cites a document outside the repository: /'
	bad=1
fi

[ $bad -eq 0 ] && echo "layout: every include follows the arrows"
exit $bad
