#!/usr/bin/env bash
# deploy/setup.sh — install the Debian packages liandong needs to build, test
# and run. Installs only what is missing; safe to run again.
set -euo pipefail

pkgs=(build-essential cmake pkg-config libzmq3-dev libprotobuf-c-dev
      protobuf-c-compiler liblmdb-dev lmdb-utils check libsodium-dev
      libinih-dev libjson-c-dev
      libseccomp-dev # liandong-report confines plugins with seccomp
      libmicrohttpd-dev # liandong-web serves the office console (HTTP/HTTPS)
      libsystemd-dev # sd_notify: Type=notify units, readiness, the watchdog
      dpkg-dev # dpkg-shlibdeps: the .deb's dependencies (cpack -G DEB)
      chromium # chromium: the HTML report test renders a page headless
      # the console's browser tests drive chromium through its driver;
      # CJK fonts so pages and screenshots show Chinese, not boxes
      chromium-driver python3-selenium fonts-noto-cjk
      iptables iproute2) # check_thinlink: loss and blackholes, rate limits
# Extra packages a caller asks for (e.g. valgrind for the memory-check run).
pkgs+=("$@")

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	}
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
