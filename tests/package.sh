#!/usr/bin/env bash
# tests/package.sh — the Debian package: 'cpack -G DEB' makes
# liandong_VERSION_ARCH.deb; its control fields (dependencies from the
# shared libraries), its files, its maintainer scripts (run against stub
# commands: the system is not touched); unpacked into a scratch root, its
# programs run from there, its units run the /usr programs as the
# liandong user with the hardening, and each level's example
# configuration passes 'liandong config check' on a node made with the
# unpacked programs.
#
#   tests/package.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: tests/package.sh BUILD_DIR}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ld-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "package: $*" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "package: no dpkg-deb" >&2; exit 77; }
command -v dpkg-shlibdeps >/dev/null ||
	{ echo "package: no dpkg-shlibdeps (dpkg-dev)" >&2; exit 77; }

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
arch=$(dpkg --print-architecture)
(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
	fail "cpack: $(tail -5 "$work/cpack.log")"
deb=$work/pkg/liandong_${version}_${arch}.deb
[ -f "$deb" ] || fail "no $(basename "$deb"): $(ls "$work/pkg")"

# Control: name, version, and what the programs link.
[ "$(dpkg-deb -f "$deb" Package)" = liandong ] || fail "Package"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version"
depends=$(dpkg-deb -f "$deb" Depends)
for d in libzmq5 liblmdb0 libsodium23 libprotobuf-c1 libinih1 libjson-c5 \
	libseccomp2 libmicrohttpd12 libsystemd0 passwd; do
	grep -q "\\b$d\\b" <<<"$depends" || fail "Depends lacks $d: $depends"
done

# Files.
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/files"
for f in /usr/bin/liandong /usr/bin/liandongd /usr/bin/liandong-report \
	/usr/bin/liandong-web /usr/lib/liandong/plugins/summary.so \
	/usr/lib/liandong/plugins/supervision.so /usr/include/liandong/plugin.h \
	/usr/lib/pkgconfig/liandong-plugin.pc \
	/usr/share/man/man1/liandong.1 /usr/share/man/man1/liandong-report.1 \
	/usr/share/man/man5/liandong.conf.5 /usr/share/man/man8/liandongd.8 \
	/usr/share/man/man8/liandong-web.8 \
	/usr/share/doc/liandong/examples/province.conf.example \
	/usr/share/doc/liandong/examples/city.conf.example \
	/usr/share/doc/liandong/examples/county.conf.example \
	/usr/share/liandong/notify-example.sh \
	/usr/lib/systemd/system/liandongd@.service \
	/usr/lib/systemd/system/liandong-web@.service; do
	grep -qx "$f" "$work/files" || fail "the package lacks $f"
done
if grep -v '^/usr/' "$work/files" | grep -qv '^/$'; then
	fail "files outside /usr: $(grep -v '^/usr/' "$work/files")"
fi

# Maintainer scripts, against stubs that record what they were asked.
dpkg-deb -e "$deb" "$work/control"
for s in postinst prerm postrm; do
	[ -x "$work/control/$s" ] || fail "no executable $s"
	sh -n "$work/control/$s" || fail "$s: syntax"
done
mkdir "$work/stubs"
for c in useradd install systemctl; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$c" "$work" \
		>"$work/stubs/$c"
done
printf '#!/bin/sh\nexit 2\n' >"$work/stubs/getent" # no such user yet
chmod +x "$work"/stubs/*
PATH=$work/stubs:$PATH sh "$work/control/postinst" configure
grep -q '^useradd --system --user-group --home-dir /var/lib/liandong .*liandong$' \
	"$work/calls" || fail "postinst did not add the user: $(cat "$work/calls")"
grep -q '^install -d -o liandong -g liandong -m 0750 /var/lib/liandong$' "$work/calls" ||
	fail "postinst did not make /var/lib/liandong"
grep -q '^install -d -o liandong -g liandong -m 0750 /var/backups/liandong$' \
	"$work/calls" || fail "postinst did not make /var/backups/liandong"
: >"$work/calls"
printf '#!/bin/sh\necho liandong:x:999:999::/var/lib/liandong:/usr/sbin/nologin\n' \
	>"$work/stubs/getent"
PATH=$work/stubs:$PATH sh "$work/control/postinst" configure
! grep -q useradd "$work/calls" || fail "postinst added an existing user"

# Unpacked into a scratch root.
root=$work/root
dpkg -x "$deb" "$root"
"$root/usr/bin/liandong" --version | grep -q "^liandong $version$" ||
	fail "the unpacked liandong does not run"
probe=$(cd "$work" && "$root/usr/bin/liandong-report" --probe summary.so --json)
grep -q "\"file\": \"$root/usr/lib/liandong/plugins/summary.so\"" <<<"$probe" ||
	fail "the unpacked liandong-report did not find its plugins: $probe"
grep -q "^prefix=\${pcfiledir}/../..$" "$root/usr/lib/pkgconfig/liandong-plugin.pc" ||
	fail "the .pc is not relocatable"
for p in "$root"/usr/share/man/man*/*; do
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null || true)
	[ -z "$w" ] || fail "$(basename "$p"): $w"
done

unit=$root/usr/lib/systemd/system/liandongd@.service
for l in 'Type=notify' 'ExecStart=/usr/bin/liandongd --data /var/lib/liandong/%i' \
	'ExecReload=/bin/kill -HUP $MAINPID' 'WatchdogSec=60s' 'User=liandong' \
	'StateDirectory=liandong/%i' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
	'ReadWritePaths=/var/lib/liandong/%i' 'ProtectHome=yes' 'PrivateTmp=yes' \
	'MemoryMax=4G' 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK'; do
	grep -qxF "$l" "$unit" || fail "liandongd@.service lacks $l"
done
web=$root/usr/lib/systemd/system/liandong-web@.service
for l in 'Type=notify' 'ExecStart=/usr/bin/liandong-web --data /var/lib/liandong/%i' \
	'User=liandong' 'ProtectSystem=strict' 'NoNewPrivileges=yes'; do
	grep -qxF "$l" "$web" || fail "liandong-web@.service lacks $l"
done
if command -v systemd-analyze >/dev/null; then
	# Syntax only: the programs are not at /usr/bin on this machine.
	out=$(systemd-analyze verify "$unit" "$web" 2>&1 |
		grep -v -e 'is not executable' -e "Command 'man " \
		-e 'No such file or directory' || true)
	[ -z "$out" ] || fail "systemd-analyze verify: $out"
fi

# The examples: a node of each level made with the unpacked programs,
# its [node] from 'liandong init', the rest from the example.
L=$root/usr/bin/liandong
ex=$root/usr/share/doc/liandong/examples
merge() { # DIR EXAMPLE
	awk '/^\[/ { skip = ($0 == "[node]") } !skip' "$2" |
		sed "s|/usr/share/liandong/|$root/usr/share/liandong/|" \
		>>"$1/liandong.conf"
}
"$L" init --data "$work/prov" --id 530000 --name 云南省政协 \
	--listen tcp://127.0.0.1:7100 >/dev/null
key() { "$L" key show --data "$1" --json | sed 's/.*"key": "\([^"]*\)".*/\1/'; }
root_key=$("$L" key show --data "$work/prov" --json |
	sed 's/.*"root_key": "\([^"]*\)".*/\1/')
"$L" init --data "$work/city" --id 530000/530300 --name 曲靖市政协 \
	--listen tcp://127.0.0.1:7101 --parent tcp://127.0.0.1:7100 \
	--parent-key "$(key "$work/prov")" --root-key "$root_key" >/dev/null
"$L" init --data "$work/county" --id 530000/530300/530325 --name 富源县政协 \
	--parent tcp://127.0.0.1:7101 --parent-key "$(key "$work/city")" \
	--root-key "$root_key" >/dev/null
merge "$work/prov" "$ex/province.conf.example"
merge "$work/city" "$ex/city.conf.example"
merge "$work/county" "$ex/county.conf.example"
for n in prov city county; do
	out=$("$L" config check --data "$work/$n" 2>&1) ||
		fail "the $n example does not pass config check: $out"
done
echo "package: $(basename "$deb"): control, files, scripts, units, examples"
