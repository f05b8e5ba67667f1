#!/usr/bin/env bash
# deploy/demo.sh — a three-level liandong on this machine: installs what is
# missing, builds, starts a province, a city and a county on loopback,
# publishes a supervision task from the province to the county, reports a
# result from the county, shows it at the province with the links' status,
# starts the province's console (liandong-web) and prints its address and
# two sign-ins, waits for Enter on a terminal (DEMO_NO_WAIT=1: does not),
# then stops the programs it started.
#
#   deploy/demo.sh [WORKDIR]     (default: a new temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

deploy/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
bin=$top/build
ld() { "$bin/clients/liandong" "$@"; }

work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/liandong-demo.XXXXXX")}
mkdir -p "$work"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# A loopback port nobody listens on, below the kernel's ephemeral range
# (32768 and up by default), where an outgoing connection could take it
# first.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
run() { printf '$ liandong %s\n' "$*"; ld "$@"; }

# Wait (at most 15 s) until a command succeeds.
wait_for() {
	local i
	for i in $(seq 1 150); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "demo: timed out waiting for: $*" >&2
	return 1
}

pp=$(free_port); cp=$(free_port)
while [ "$cp" = "$pp" ]; do cp=$(free_port); done
P=$work/province C=$work/city X=$work/county

# A node's public key, as 'liandong key show' prints it.
key_of() { ld --data "$1" key show | awk '$1 == "key" {print $2}'; }

say "Set up three offices: 云南省政协 → 曲靖市政协 → 富源县政协"
run init --data "$P" --id 530000 --name 云南省政协 \
	--listen "tcp://127.0.0.1:$pp"
pkey=$(key_of "$P")
say "Each child is made with its parent's key, and enrolled there"
run init --data "$C" --id 530000/530300 --name 曲靖市政协 \
	--listen "tcp://127.0.0.1:$cp" --parent "tcp://127.0.0.1:$pp" \
	--parent-key "$pkey"
run --data "$P" child add 530000/530300 "$(key_of "$C")"
run init --data "$X" --id 530000/530300/530325 --name 富源县政协 \
	--parent "tcp://127.0.0.1:$cp" --parent-key "$(key_of "$C")" \
	--root-key "$pkey"
run --data "$C" child add 530000/530300/530325 "$(key_of "$X")"

say "Start a liandongd for each (logs in $work/*.log)"
for d in "$P" "$C" "$X"; do
	"$bin/daemon/liandongd" --data "$d" 2>"$d.log" &
	pids+=($!)
done
for d in "$P" "$C" "$X"; do wait_for ld --data "$d" status; done

say "The province publishes a three-level linked supervision task to Fuyuan"
task=$(ld --data "$P" task add \
	--topic "优化营商环境三级联动民主监督：涉企收费专项检查" \
	--form 监督性视察 --scope 530000/530300/530325 --due 2026-12-31 \
	--target 县市场监管局 --target 县发展和改革局)
echo "task id: $task"

say "It arrives at the county, through the city"
wait_for ld --data "$X" show "$task"
run --data "$X" show "$task"

say "The county reports its result"
result=$(ld --data "$X" result add --ref "$task" \
	--summary "走访企业42家，查出违规收费问题7个，已督促整改5个" \
	--metric 走访企业=42 --metric 发现问题=7 --metric 已整改=5 \
	--finding "部分中介服务收费未公示")
echo "result id: $result"

say "The province sees it"
wait_for ld --data "$P" show "$result"
run --data "$P" list --kind result
run --data "$P" show "$result" --json

say "Status: the links of each office"
run --data "$P" status
run --data "$C" status
run --data "$X" status

say "The office console: a browser page per office, a login per person"
wp=$(free_port)
while [ "$wp" = "$pp" ] || [ "$wp" = "$cp" ]; do wp=$(free_port); done
printf '%s\n' 'demo-password-2026' >"$work/password"
run --data "$P" user add 王芳 --role clerk --password-file "$work/password"
run --data "$P" user add 李明 --role reviewer --password-file "$work/password"
"$bin/web/liandong-web" --data "$P" --listen "127.0.0.1:$wp" \
	2>"$P.web.log" &
pids+=($!)
wait_for bash -c "exec 3<>/dev/tcp/127.0.0.1/$wp"
echo "Open http://127.0.0.1:$wp/ in a browser (云南省政协);"
echo "sign in as 王芳 (经办) or 李明 (审核), password demo-password-2026."
if [ -t 0 ] && [ -z "${DEMO_NO_WAIT:-}" ]; then
	read -r -p "Press Enter to stop the demo. " _
fi

say "Stop the daemons (SIGTERM: finish, close, exit 0)"
for p in "${pids[@]}"; do kill -TERM "$p"; done
for p in "${pids[@]}"; do wait "$p"; done
pids=()
echo "demo finished; data and logs are in $work"
