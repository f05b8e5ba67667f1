#!/usr/bin/env bash
# tests/run.sh — the whole test suite, from a fresh checkout: installs what
# is missing (deploy/setup.sh), builds with warnings as errors, runs every
# test through ctest, then again under AddressSanitizer+UBSan, then the unit
# tests and the replication tests under valgrind (CK_FORK=no), then each
# fuzz target for a bounded time (LD_FUZZ_SECONDS, default 30).
#
#   tests/run.sh            everything
#   tests/run.sh --quick    only the normal build and its tests
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
quick=0
[ "${1:-}" = "--quick" ] && quick=1

step() { printf '\n=== %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }

step "setup"
deploy/setup.sh valgrind clang libclang-rt-14-dev

jobs=$(nproc 2>/dev/null || echo 2)

step "build (warnings are errors)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"

step "tests"
ctest --test-dir build --output-on-failure -j"$jobs"

[ $quick -eq 1 ] && exit 0

step "build with AddressSanitizer + UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLD_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"

step "tests under AddressSanitizer + UBSan"
# Daemons started by the tests are the sanitized ones; a finding makes the
# process exit non-zero, which the tests check on every stop.
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
LD_TEST_TIMEOUT_SCALE=3 ctest --test-dir build-asan --output-on-failure -j"$jobs"
unset ASAN_OPTIONS UBSAN_OPTIONS

step "unit tests under valgrind (CK_FORK=no)"
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
for t in build/tests/unit/check_*; do
	[ -x "$t" ] || continue
	echo "--- $t"
	CK_FORK=no $vg "$t"
done

step "replication tests with every daemon under valgrind"
CK_FORK=no LD_TEST_TIMEOUT_SCALE=10 LD_TEST_WRAPPER="$vg" \
	$vg build/tests/integration/check_replication

step "fuzzing, ${LD_FUZZ_SECONDS:-30} s per target"
CC=clang cmake -S . -B build-fuzz -DLD_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-fuzz -j"$jobs"
fz=$(mktemp -d "${TMPDIR:-/tmp}/ld-fuzz.XXXXXX")
for t in frame api config csv; do
	# Work on a copy: the corpus in git stays the seed set.
	mkdir -p "$fz/$t" "$fz/crash-$t"
	cp tests/fuzz/corpus/$t/* "$fz/$t/"
	if ! build-fuzz/tests/fuzz/fuzz_$t -max_total_time="${LD_FUZZ_SECONDS:-30}" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$fz/crash-$t/" "$fz/$t" >"$fz/$t.log" 2>&1; then
		tail -40 "$fz/$t.log"
		echo "fuzz_$t found a crash: $(ls "$fz/crash-$t")" \
			"(copy it to tests/fuzz/regressions/$t/)" >&2
		exit 1
	fi
	grep -E '^stat::number_of_executed_units' "$fz/$t.log" |
		sed "s/^/fuzz_$t: /"
done
rm -rf "$fz"

step "all tests passed"
