#!/usr/bin/env bash
# tests/sdk.sh — the plugin SDK as an administrator uses it: install
# liandong into a temporary prefix, build a plugin out of tree with only
# `pkg-config --cflags liandong-plugin`, check that it exports nothing but
# its entry point, probe it, and run it on a node with the installed
# binaries.
#
#   tests/sdk.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: tests/sdk.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ld-sdk.XXXXXX")
pid=""
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
pc=$(dirname "$(find "$work/prefix" -name liandong-plugin.pc | head -1)")
[ -n "$pc" ] || { echo "sdk: liandong-plugin.pc was not installed" >&2; exit 1; }
[ -f "$work/prefix/include/liandong/plugin.h" ] ||
	{ echo "sdk: plugin.h was not installed" >&2; exit 1; }
ls "$work"/prefix/lib*/liandong/plugins/summary.so >/dev/null ||
	{ echo "sdk: the shipped plugins were not installed" >&2; exit 1; }

# Out of tree: a copy of the test plugin, only the SDK's flags.
mkdir "$work/myplugin"
cp "$src/tests/plugins/good.c" "$work/myplugin/counts.c"
# The .pc is relocatable: its prefix is where it was installed.
cflags=$(PKG_CONFIG_PATH=$pc pkg-config --cflags liandong-plugin)
(cd "$work/myplugin" && cc -shared $cflags -o counts.so counts.c)

exported=$(nm -D --defined-only "$work/myplugin/counts.so" | awk '{print $3}' |
	grep -v '^_' | sort | tr '\n' ' ')
[ "$exported" = "ld_plugin_entry_v1 " ] ||
	{ echo "sdk: the plugin exports: $exported" >&2; exit 1; }

bin=$work/prefix/bin
"$bin/liandong-report" --probe "$work/myplugin/counts.so" | grep -q '^name  *good$' ||
	{ echo "sdk: --probe did not describe the plugin" >&2; exit 1; }

# Run it on a node made with the installed binaries.
"$bin/liandong" init --data "$work/node" --id 530000 --name 云南省政协 \
	--insecure >/dev/null
printf '\n[report]\nplugin_dir = %s\n' "$work/myplugin" >>"$work/node/liandong.conf"
"$bin/liandongd" --data "$work/node" 2>"$work/node.log" &
pid=$!
for _ in $(seq 1 100); do
	"$bin/liandong" --data "$work/node" status >/dev/null 2>&1 && break
	sleep 0.1
done
"$bin/liandong" --data "$work/node" task add --topic 测试 --form 监督性视察 \
	--scope 530000 >/dev/null
"$bin/liandong" --data "$work/node" report good --format csv >"$work/out.csv"
grep -q '^task,1' "$work/out.csv" ||
	{ echo "sdk: the report is not what the plugin wrote:" >&2; cat "$work/out.csv" >&2; exit 1; }
echo "sdk: installed, built a plugin out of tree, probed and ran it"
