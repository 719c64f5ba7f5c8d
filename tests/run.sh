#!/usr/bin/env bash
# The one test command: installs what is missing, builds, starts a private
# MariaDB, runs ctest against it and stops the database again.
#
#   tests/run.sh [CTEST_ARGS...]      e.g. tests/run.sh -R calendar
#
# Environment: ECOCASE_BUILD_DIR (default: build/ at the repo root).
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
exit "$status"
