#!/usr/bin/env bash
# deploy/tree.sh — a three-level tree of offices on this machine, for the
# README's linked-supervision story and for trying things out: 陕西省政协,
# two cities (西安, 宝鸡) and two counties under each, every link secure,
# on free loopback ports.
#
#   deploy/tree.sh start DIR   make the seven nodes in DIR (if not there
#                              yet), start their daemons, wait until every
#                              link is up, and write DIR/env.sh, which sets
#                              P, C1, C2, X11, X12, X21, X22 to the data
#                              directories (and their ids as P_ID ...)
#   deploy/tree.sh stop DIR    stop the daemons started there
#
# Uses liandong and liandongd from PATH, else from ./build.
set -euo pipefail

usage() { echo "usage: deploy/tree.sh start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1 dir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
LD=$(command -v liandong || echo "$top/build/clients/liandong")
LDD=$(command -v liandongd || echo "$top/build/daemon/liandongd")

# name path parent-name display-name
nodes=(
	"P   610000                 -   陕西省政协"
	"C1  610000/610100          P   西安市政协"
	"C2  610000/610300          P   宝鸡市政协"
	"X11 610000/610100/610115   C1  临潼区政协"
	"X12 610000/610100/610124   C1  周至县政协"
	"X21 610000/610300/610323   C2  岐山县政协"
	"X22 610000/610300/610331   C2  太白县政协"
)

# Running (not gone, not a zombie nobody has reaped yet)?
alive() {
	kill -0 "$1" 2>/dev/null &&
		[ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]
}

stop() {
	local f pid
	for f in "$dir"/*.pid; do
		[ -e "$f" ] || continue
		pid=$(cat "$f")
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			alive "$pid" || break
			sleep 0.1
		done
		rm -f "$f"
	done
}

# A port below the kernel's ephemeral range (32768 and up by default): one
# in that range can be taken as the source port of any outgoing connection
# before the daemon binds it. Not one handed out already in this run: the
# port goes to $FREE_PORT (not printed: a $(...) subshell would forget).
declare -A given
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		[ -z "${given[$p]:-}" ] || continue
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		given[$p]=1
		FREE_PORT=$p
		return
	done
}

key_of() { "$LD" --data "$1" key show | awk '$1 == "key" {print $2}'; }

case $cmd in
stop) stop; exit 0 ;;
start) ;;
*) usage ;;
esac

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
declare -A path port
for n in "${nodes[@]}"; do
	read -r var p _ _ <<<"$n"
	path[$var]=$p
done
if [ ! -e "$dir/P/liandong.conf" ]; then
	root_key=""
	for n in "${nodes[@]}"; do
		read -r var p parent name <<<"$n"
		args=(init --data "$dir/$var" --id "$p" --name "$name")
		if [ "${var:0:1}" != X ]; then
			free_port
			port[$var]=$FREE_PORT
			args+=(--listen "tcp://127.0.0.1:${port[$var]}")
		fi
		if [ "$parent" != - ]; then
			args+=(--parent "tcp://127.0.0.1:${port[$parent]}"
			       --parent-key "$(key_of "$dir/$parent")")
			[ "$parent" = P ] || args+=(--root-key "$root_key")
		fi
		"$LD" "${args[@]}" >/dev/null
		[ "$var" = P ] && root_key=$(key_of "$dir/P")
		if [ "$parent" != - ]; then
			"$LD" --data "$dir/$parent" child add "$p" \
				"$(key_of "$dir/$var")" >/dev/null
		fi
	done
fi

for n in "${nodes[@]}"; do
	read -r var _ _ _ <<<"$n"
	if [ -e "$dir/$var.pid" ] && alive "$(cat "$dir/$var.pid")"; then
		continue
	fi
	"$LDD" --data "$dir/$var" 2>>"$dir/$var.log" &
	echo $! >"$dir/$var.pid"
done

# Every child's link to its parent up (at most 20 s).
for n in "${nodes[@]}"; do
	read -r var _ parent _ <<<"$n"
	[ "$parent" = - ] && continue
	for i in $(seq 1 200); do
		"$LD" --data "$dir/$var" status 2>/dev/null |
			grep -q '^parent .*: up$' && break
		[ "$i" = 200 ] && { echo "tree: $var never linked up; see" \
			"$dir/$var.log" >&2; stop; exit 1; }
		sleep 0.1
	done
done

{
	for n in "${nodes[@]}"; do
		read -r var p _ name <<<"$n"
		printf 'export %s=%q %s_ID=%q   # %s\n' "$var" "$dir/$var" \
			"$var" "$p" "$name"
	done
} >"$dir/env.sh"
echo "tree: 7 offices running in $dir; '. $dir/env.sh' sets \$P, \$C1 ... \$X22"
