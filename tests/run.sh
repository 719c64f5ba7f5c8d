#!/usr/bin/env bash
# The one test command: installs what is missing, builds, starts a private
# MariaDB, runs ctest against it and stops the database again.
#
#   tests/run.sh [CTEST_ARGS...]      e.g. tests/run.sh -R calendar
#
# After ctest, a bounded libFuzzer run of the HJ 212 codec (clang, ASan + UBSan) in a second
# build dir; a crash fails the script.
#
# Environment: ECOCASE_BUILD_DIR (default: build/ at the repo root),
#   ECOCASE_FUZZ_BUILD_DIR (default: <build dir>-fuzz),
#   ECOCASE_FUZZ_SECONDS (default 60; 0 skips the fuzz step).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ECOCASE_BUILD_DIR:-$root/build}
dbctl=$root/deploy/mysql/dbctl.sh

step() { printf '\n==> %s\n' "$*"; }

step "packages"
"$root/deploy/install-packages.sh"

step "configure and build ($build)"
# A build dir made by another generator makes cmake refuse; start it anew.
if [[ -f $build/CMakeCache.txt ]] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$build/CMakeCache.txt"; then
  echo "build dir was configured with another generator; resetting its cache"
  rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
fi
build_start=$SECONDS
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build"
echo "build took $((SECONDS - build_start))s"

step "database"
dbdir=$build/test-db
# A run that was killed may have left its server behind; stop it before wiping.
"$dbctl" stop "$dbdir" || "$dbctl" kill "$dbdir" || true
rm -rf "$dbdir"
# shellcheck disable=SC2317  # called from the EXIT trap
stop_db() { "$dbctl" stop "$dbdir" || "$dbctl" kill "$dbdir" || true; }
trap stop_db EXIT
# Signals end the script through the EXIT trap, so the database stops too.
trap 'exit 130' INT
trap 'exit 143' TERM
"$dbctl" start "$dbdir" >/dev/null
set -a
# shellcheck source=/dev/null
. "$dbdir/db.env"
set +a
export ECOCASE_TEST_DBCTL=$dbctl
echo "MariaDB on $ECOCASE_DB_HOST:$ECOCASE_DB_PORT"

step "tests"
test_start=$SECONDS
status=0
ctest --test-dir "$build" --output-on-failure --no-tests=error -j2 --timeout 600 "$@" || status=$?
echo "tests took $((SECONDS - test_start))s (ctest exit status $status)"

fuzz_seconds=${ECOCASE_FUZZ_SECONDS:-60}
if ((fuzz_seconds > 0)); then
  step "fuzz: hj212_fuzz for ${fuzz_seconds}s (clang, ASan + UBSan)"
  fuzz_start=$SECONDS
  fuzz_build=${ECOCASE_FUZZ_BUILD_DIR:-$build-fuzz}
  if [[ -f $fuzz_build/CMakeCache.txt ]] &&
    ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$fuzz_build/CMakeCache.txt"; then
    rm -rf "$fuzz_build/CMakeCache.txt" "$fuzz_build/CMakeFiles"
  fi
  # Only the fuzz target is built: it needs the codec (ecocase_hj212) and nothing else.
  cmake -S "$root" -B "$fuzz_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DECOCASE_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$fuzz_build" --target hj212_fuzz
  # The fuzzer adds what it finds to its corpus: give it a copy, not the repo's seeds.
  fuzz_dir=$fuzz_build/fuzz-run
  rm -rf "$fuzz_dir"
  mkdir -p "$fuzz_dir/corpus" "$fuzz_dir/artifacts"
  cp "$root"/tests/fuzz/corpus/hj212/* "$fuzz_dir/corpus/"
  fuzz_status=0
  "$fuzz_build/tests/fuzz/hj212_fuzz" -max_total_time="$fuzz_seconds" -max_len=4096 -timeout=5 \
    -print_final_stats=1 -artifact_prefix="$fuzz_dir/artifacts/" "$fuzz_dir/corpus" \
    >"$fuzz_dir/fuzz.log" 2>&1 || fuzz_status=$?
  # Coverage at the start and end, executions and their rate.
  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed|average_exec)' \
    "$fuzz_dir/fuzz.log" || true
  if ((fuzz_status != 0)); then
    echo "hj212_fuzz failed (exit status $fuzz_status); reproduce with:"
    for crash in "$fuzz_dir"/artifacts/*; do
      [[ -e $crash ]] && echo "  $fuzz_build/tests/fuzz/hj212_fuzz $crash"
    done
    tail -n 40 "$fuzz_dir/fuzz.log"
    if ((status == 0)); then status=$fuzz_status; fi
  fi
  echo "fuzz took $((SECONDS - fuzz_start))s (exit status $fuzz_status)"
fi
exit "$status"
