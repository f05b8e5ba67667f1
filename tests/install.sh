#!/usr/bin/env bash
# tests/install.sh — an installed tree runs from any prefix: install into
# a temporary, non-default prefix, and with nothing configured find the
# plugins beside the programs ('liandong plugins', a report run by the
# daemon's node), build a plugin out of tree with only the installed .pc
# (no --define-prefix: it is relocatable), probe plugins by a bare name,
# then move the whole tree elsewhere and run it again.
#
#   tests/install.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: tests/install.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ld-install.XXXXXX")
pid=""
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "install: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/opt/liandong" >/dev/null
P=$work/opt/liandong
for f in bin/liandong bin/liandongd bin/liandong-report bin/liandong-web \
	include/liandong/plugin.h lib/pkgconfig/liandong-plugin.pc \
	lib/liandong/plugins/summary.so share/man/man1/liandong.1 \
	share/man/man5/liandong.conf.5 share/man/man8/liandongd.8 \
	lib/systemd/system/liandongd@.service \
	share/doc/liandong/examples/county.conf.example; do
	[ -e "$P/$f" ] || fail "$f was not installed"
done
grep -q "^ExecStart=$P/bin/liandongd --data /var/lib/liandong/%i$" \
	"$P/lib/systemd/system/liandongd@.service" ||
	fail "the unit does not run the installed liandongd"

# A node with nothing configured about plugins.
node=$work/node
"$P/bin/liandong" init --data "$node" --id 530000 --name 云南省政协 \
	--insecure >/dev/null
"$P/bin/liandongd" --data "$node" 2>"$work/node.log" &
pid=$!
for _ in $(seq 1 100); do
	"$P/bin/liandong" --data "$node" status >/dev/null 2>&1 && break
	sleep 0.1
done
"$P/bin/liandong" --data "$node" status >/dev/null ||
	fail "the installed daemon did not start: $(cat "$work/node.log")"

out=$("$P/bin/liandong" --data "$node" plugins) ||
	fail "liandong plugins: $out"
grep -q "^plugins in $P/lib/liandong/plugins:$" <<<"$out" ||
	fail "liandong plugins did not look beside the programs: $out"
grep -q "summary.so$" <<<"$out" || fail "summary is not listed: $out"

"$P/bin/liandong" --data "$node" task add --topic 测试 --form 监督性视察 \
	--scope 530000 >/dev/null
"$P/bin/liandong" --data "$node" report summary --format csv \
	>"$work/summary.csv" || fail "liandong report summary failed"
[ -s "$work/summary.csv" ] || fail "the summary report is empty"

# A plugin out of tree, from the installed .pc alone.
mkdir "$work/myplugin"
cp "$src/tests/plugins/good.c" "$work/myplugin/counts.c"
cflags=$(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --cflags liandong-plugin)
grep -q -- "-I$P/lib/pkgconfig/../../include" <<<"$cflags" ||
	fail "the .pc is not relative to itself: $cflags"
(cd "$work/myplugin" && cc -shared $cflags -o counts.so counts.c) ||
	fail "the out-of-tree plugin did not build with: $cflags"

# --probe by a bare name: ./ when the file is there, else the plugins
# beside the program.
probe=$(cd "$work/myplugin" && "$P/bin/liandong-report" --probe counts.so --json)
grep -q '"file": "./counts.so"' <<<"$probe" || fail "probe ./counts.so: $probe"
probe=$(cd "$work" && "$P/bin/liandong-report" --probe summary.so --json)
grep -q "\"file\": \"$P/lib/liandong/plugins/summary.so\"" <<<"$probe" ||
	fail "probe summary.so: $probe"
probe=$(cd "$work" && "$P/bin/liandong-report" --probe summary)
grep -q '^name  *summary$' <<<"$probe" || fail "probe summary: $probe"

# Installed beside the shipped ones, run by the installed node.
cp "$work/myplugin/counts.so" "$P/lib/liandong/plugins/good.so"
"$P/bin/liandong" --data "$node" report good --format csv >"$work/good.csv"
grep -q '^task,1' "$work/good.csv" ||
	fail "the out-of-tree plugin's report: $(cat "$work/good.csv")"

kill -TERM "$pid"
wait "$pid" || fail "the daemon did not exit 0"
pid=""

# The whole tree moved: it still finds its own plugins and header.
mv "$work/opt" "$work/elsewhere"
P=$work/elsewhere/liandong
out=$("$P/bin/liandong" --data "$node" plugins) ||
	fail "liandong plugins after the move: $out"
grep -q "^plugins in $P/lib/liandong/plugins:$" <<<"$out" ||
	fail "after the move, liandong plugins: $out"
cflags=$(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --cflags liandong-plugin)
(cd "$work/myplugin" && cc -shared $cflags -o moved.so counts.c) ||
	fail "the plugin did not build from the moved .pc"
echo "install: ran from $work/opt and again after moving it"
