#!/usr/bin/env bash
# Ingest benchmarks of perf-reliability.md §6, each a ratio measured side by side in one run
# (interleaved rounds, medians), with both sides' absolute numbers:
#
#   G4   durable ingest: IngestReadings readings/s (1000 a call, 4 client threads, answered
#        after COMMIT) ÷ the mariadb CLI's multi-row INSERT (1000 rows a statement) of the
#        same rows into a copy of the reading table.              goal >= 0.6
#   G7   HJ 212 gateway packets/s (300 closed-loop hj212sim stations, 8 readings a packet)
#        ÷ a callback-API gRPC echo's calls/s (4 connections × 16 in flight).
#                                                goal >= 0.2 and >= 3330 packets/s
#   MEM  the server's VmRSS before and after hj212sim holds 10,000 idle gateway connections.
#
#   tests/bench/run.sh
#
# Starts its own MariaDB (deploy/mysql/dbctl.sh, in a temporary directory) and
# ecocase-server as a child process; stops everything it started on exit. A few minutes in
# all. Goals are reported (PASS/MISS), not enforced: exit 0 unless something broke.
#
# Environment:
#   ECOCASE_BENCH_BUILD_DIR  build dir (default: build-bench/ at the repo root); configured
#                            as Release (-O2) and the needed targets built unless
#                            ECOCASE_BENCH_NO_BUILD=1
#   BENCH_ROUNDS             rounds per side (default 3)
#   BENCH_ROUND_SECONDS      seconds measured per round (default 5)
#   BENCH_STATIONS           closed-loop stations for G7 (default 300)
#   BENCH_IDLE_CONNECTIONS   idle connections for MEM (default 10000)
#   BENCH_SERVER_FLAGS       extra ecocase-server flags, e.g. "--ingest_max_delay=20ms"
#                            (for experiments; the goals are defined for the defaults)
#   BENCH_KEEP=1             keep the temporary directory (logs, database) for inspection
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${ECOCASE_BENCH_BUILD_DIR:-$root/build-bench}
dbctl=$root/deploy/mysql/dbctl.sh
rounds=${BENCH_ROUNDS:-3}
round_s=${BENCH_ROUND_SECONDS:-5}
stations=${BENCH_STATIONS:-300}
idle_connections=${BENCH_IDLE_CONNECTIONS:-10000}

# G4 layout: one STATION account, one device per client thread.
readonly ingest_threads=4 readings_per_rpc=1000 grpc_mn_prefix=4108A0
readonly station_user=bench-station station_password=bench-station-password-1
# G7 layout: stations registered ten to an outlet, one shared PW (6 characters: HJ 212-2017 strict).
readonly hj212_mn_prefix=4108B0 hj212_pw=654321 readings_per_packet=8
# G7 baseline load, as h2load -c 4 -m 16 in perf-reliability.md §1.1.
readonly echo_channels=4 echo_inflight=16
readonly g4_goal=0.6 g7_goal=0.2 g7_min_packets=3330

log() { printf '%s  %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---- the build ---------------------------------------------------------------------------

targets=(ecocase-server hj212sim bench_setup bench_ingest_client bench_ingest_sql
  bench_echo_server bench_echo_client)
if [[ ${ECOCASE_BENCH_NO_BUILD:-0} != 1 ]]; then
  log "building ${targets[*]} in $build (Release)"
  # -O2, not CMake's -O3: GCC 12 reports a false -Wrestrict at -O3 (README.md, Build).
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" >/dev/null
  cmake --build "$build" --target "${targets[@]}" >/dev/null
fi
if grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt" 2>/dev/null; then
  build_type=Release
else
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null)
  log "warning: $build is a ${build_type:-unknown} build; benchmark numbers want Release"
fi
server_bin=$build/server/ecocase-server
sim_bin=$build/clients/hj212sim/hj212sim
bench=$build/tests/bench
for bin in "$server_bin" "$sim_bin" "$bench/bench_setup" "$bench/bench_ingest_client" \
  "$bench/bench_ingest_sql" "$bench/bench_echo_server" "$bench/bench_echo_client"; do
  [[ -x $bin ]] || die "$bin is missing"
done

# ---- children and cleanup ----------------------------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/benchdb.XXXXXX")
children=()  # pids of long-running children, stopped on exit

# stop_child PID: SIGTERM, up to 15 s, then SIGKILL.
stop_child() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  log "pid $pid ignored SIGTERM; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  local status=$? pid
  for pid in "${children[@]}"; do stop_child "$pid"; done
  "$dbctl" stop "$work/db" >/dev/null 2>&1 || "$dbctl" kill "$work/db" >/dev/null 2>&1 || true
  if [[ ${BENCH_KEEP:-0} == 1 || $status != 0 ]]; then
    log "logs and database kept in $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
# Signals end the script through the EXIT trap, so everything started stops too.
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for FILE REGEX SECONDS PID: until FILE holds a line matching REGEX (printed), or fail
# when PID exits or time runs out.
wait_for() {
  local file=$1 regex=$2 deadline=$((SECONDS + $3)) pid=$4 line
  while :; do
    line=$(grep -m1 -E "$regex" "$file" 2>/dev/null || true)
    [[ -n $line ]] && { printf '%s\n' "$line"; return 0; }
    kill -0 "$pid" 2>/dev/null || { log "pid $pid exited; its output:"; tail -n 20 "$file" >&2; return 1; }
    ((SECONDS < deadline)) || { log "timed out waiting for /$regex/ in $file"; return 1; }
    sleep 0.1
  done
}

# json FILE KEY: the number KEY holds in the last JSON line of FILE.
json() {
  grep '^{' "$1" | tail -n 1 | grep -o "\"$2\":[-0-9.e+]*" | head -n 1 | cut -d: -f2
}

# median FORMAT VALUES...: the middle value (mean of the two middle ones for an even
# count), printed with the printf FORMAT.
median() {
  local format=$1
  shift
  printf '%s\n' "$@" | sort -g | awk -v f="$format\n" '{v[NR] = $1}
    END { if (NR % 2) printf f, v[(NR + 1) / 2]; else printf f, (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", (b > 0 ? a / b : 0) }'; }
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
open_fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
# Beijing wall time of Unix seconds, as hj212sim --start-time wants it.
beijing() { date -u -d "@$(($1 + 8 * 3600))" +%Y%m%d%H%M%S; }

# ---- database and server -----------------------------------------------------------------

log "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); work dir $work"
log "starting MariaDB"
# Sized as a production server would be, not as the tests' 128 MiB instance: the rounds
# write some ten million rows, and a small buffer pool and redo log would spend the run
# evicting pages and flushing for checkpoints (README.md, "Database settings").
DBCTL_BUFFER_POOL=1G DBCTL_REDO_LOG=1G \
  "$dbctl" start "$work/db" >/dev/null 2>"$work/dbctl.log" || { cat "$work/dbctl.log" >&2; die "dbctl start failed"; }
set -a
# shellcheck source=/dev/null
. "$work/db/db.env"
set +a
# The server and the baseline both reach MariaDB over TCP on 127.0.0.1.
export MYSQL_PWD=$ECOCASE_DB_PASSWORD
mariadb_cli=(mariadb --no-defaults --protocol=TCP -h "$ECOCASE_DB_HOST" -P "$ECOCASE_DB_PORT"
  -u "$ECOCASE_DB_USER" "$ECOCASE_DB_NAME")
sql() { "${mariadb_cli[@]}" "$@"; }

# 10,000 gateway connections need as many descriptors: take the hard limit.
ulimit -Sn "$(ulimit -Hn)"
if [[ $(ulimit -n) != unlimited ]] && ((idle_connections + 200 > $(ulimit -n))); then
  idle_connections=$(($(ulimit -n) - 200))
  log "warning: RLIMIT_NOFILE is $(ulimit -n); measuring $idle_connections idle connections"
fi

admin_password=$(openssl rand -hex 12)
read -ra extra_server_flags <<<"${BENCH_SERVER_FLAGS:-}"
log "starting ecocase-server ${extra_server_flags[*]}"
ECOCASE_BOOTSTRAP_ADMIN_PASSWORD=$admin_password "$server_bin" --plaintext \
  --listen=127.0.0.1:0 --hj212_listen=127.0.0.1:0 --db_host="$ECOCASE_DB_HOST" \
  --db_port="$ECOCASE_DB_PORT" --db_user="$ECOCASE_DB_USER" --db_name="$ECOCASE_DB_NAME" \
  --db_socket= --password_hash_iterations=1000 "${extra_server_flags[@]}" \
  >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
children+=("$server_pid")
grpc_port=$(wait_for "$work/server.out" 'listening on' 60 "$server_pid" |
  sed -E 's/.*:([0-9]+) .*/\1/')
hj212_port=$(wait_for "$work/server.out" 'HJ 212 gateway on' 10 "$server_pid" |
  sed -E 's/.*:([0-9]+)$/\1/')
[[ -n $grpc_port && -n $hj212_port ]] || die "server did not start (see $work/server.log)"
log "server pid $server_pid: gRPC 127.0.0.1:$grpc_port, HJ 212 127.0.0.1:$hj212_port"

log "registering ${ingest_threads} gRPC devices and $stations HJ 212 devices through the API"
ECOCASE_BOOTSTRAP_ADMIN_PASSWORD=$admin_password "$bench/bench_setup" \
  --server="127.0.0.1:$grpc_port" --grpc-devices="$ingest_threads" \
  --grpc-mn-prefix="$grpc_mn_prefix" --station-user="$station_user" \
  --station-password="$station_password" --hj212-devices="$stations" \
  --hj212-mn-prefix="$hj212_mn_prefix" --hj212-pw="$hj212_pw" --devices-per-outlet=10 \
  >"$work/setup.json" || die "registration failed"
log "registered: $(cat "$work/setup.json")"

sql -e "CREATE TABLE bench_reading LIKE reading"
outlet_ids=$(sql -N -B -e "SELECT outlet_id FROM device WHERE mn LIKE '${grpc_mn_prefix}%' ORDER BY mn" |
  paste -sd, -)

# Data times: whole hours some weeks back, inside the 90-day back-fill window; every round
# writes a day of its own (round 0 is the warm-up).
now=$(date +%s)
g4_base=$(((now - 60 * 86400) / 3600 * 3600))
g7_base=$(((now - 40 * 86400) / 3600 * 3600))

# ---- memory per idle gateway connection ---------------------------------------------------

# First, while the server's heap is still small: after the load rounds, freed memory the
# allocator keeps would absorb the connections' allocations and hide them.
log "MEM: $idle_connections idle connections"
rss_before=$(rss_kib "$server_pid")
fds_before=$(open_fds "$server_pid")
"$sim_bin" --server="127.0.0.1:$hj212_port" --idle-connections="$idle_connections" \
  >"$work/idle.out" 2>"$work/idle.log" &
idle_pid=$!
children+=("$idle_pid")
wait_for "$work/idle.out" "\"connected\":$idle_connections" 120 "$idle_pid" >/dev/null ||
  die "hj212sim did not open $idle_connections connections"
# The simulator counts a connection once the kernel completed it; the server has it once
# accepted: wait for the server's descriptors.
deadline=$((SECONDS + 60))
while (($(open_fds "$server_pid") < fds_before + idle_connections)); do
  ((SECONDS < deadline)) || die "server holds $(open_fds "$server_pid") descriptors, expected $((fds_before + idle_connections))"
  sleep 0.2
done
sleep 1
rss_after=$(rss_kib "$server_pid")
fds_after=$(open_fds "$server_pid")
stop_child "$idle_pid"

# ---- G4 ----------------------------------------------------------------------------------

# ingest_round ROUND WARMUP DURATION: prints readings/s of IngestReadings.
ingest_round() {
  local out=$work/g4-grpc-$1.json
  timeout $(($3 + 120)) "$bench/bench_ingest_client" --server="127.0.0.1:$grpc_port" \
    --user="$station_user" --password="$station_password" --mn-prefix="$grpc_mn_prefix" \
    --devices="$ingest_threads" --threads="$ingest_threads" \
    --readings-per-rpc="$readings_per_rpc" --base-unix="$g4_base" --round="$1" \
    --warmup="$2" --duration="$3" >"$out" 2>"$work/g4-grpc-$1.err" ||
    die "IngestReadings round $1 failed: $(cat "$work/g4-grpc-$1.err")"
  json "$out" readings_per_s
}

# sql_file ROUND ROWS: writes the round's INSERT file, prints its name.
sql_file() {
  local file=$work/g4-sql-$1.sql
  "$bench/bench_ingest_sql" --mn-prefix="$grpc_mn_prefix" --devices="$ingest_threads" \
    --streams="$ingest_threads" --outlet-ids="$outlet_ids" --base-unix="$g4_base" \
    --round="$1" --rows="$2" --rows-per-statement="$readings_per_rpc" --out="$file"
  printf '%s\n' "$file"
}

# sql_round FILE ROWS: runs the file through the mariadb CLI, prints rows/s, removes it.
sql_round() {
  local start end
  start=$(date +%s%N)
  timeout 300 "${mariadb_cli[@]}" <"$1" || die "mariadb CLI failed on $1"
  end=$(date +%s%N)
  rm -f "$1"
  awk -v rows="$2" -v ns=$((end - start)) 'BEGIN { printf "%.1f\n", rows / (ns / 1e9) }'
}

log "G4 warm-up"
ingest_round 0 0 2 >/dev/null
warm_rows=100000
sql_rate=$(sql_round "$(sql_file 0 $warm_rows)" $warm_rows)
log "G4 warm-up: mariadb CLI ${sql_rate} rows/s"

g4_grpc=() g4_sql=() g4_ratio=()
for ((r = 1; r <= rounds; r++)); do
  # The baseline's file is sized for about round_s seconds at its last rate and written
  # before its clock starts.
  rows=$(awk -v rate="$sql_rate" -v s="$round_s" -v per="$readings_per_rpc" \
    'BEGIN { n = int(rate * s / per + 0.5) * per; if (n < 10 * per) n = 10 * per; print n }')
  file=$(sql_file "$r" "$rows")
  if ((r % 2)); then
    a=$(ingest_round "$r" 1 "$round_s")
    b=$(sql_round "$file" "$rows")
  else
    b=$(sql_round "$file" "$rows")
    a=$(ingest_round "$r" 1 "$round_s")
  fi
  sql_rate=$b
  g4_grpc+=("$a") g4_sql+=("$b") g4_ratio+=("$(ratio "$a" "$b")")
  log "G4 round $r: IngestReadings $a readings/s, mariadb CLI $b rows/s, ratio ${g4_ratio[-1]}"
done

# ---- G7 ----------------------------------------------------------------------------------

"$bench/bench_echo_server" --listen=127.0.0.1:0 >"$work/echo.out" 2>"$work/echo.log" &
echo_pid=$!
children+=("$echo_pid")
echo_port=$(wait_for "$work/echo.out" 'listening on' 20 "$echo_pid" | sed -E 's/.*:([0-9]+)$/\1/')

# gateway_round ROUND DURATION: prints acknowledged packets/s of the closed-loop stations.
gateway_round() {
  local out=$work/g7-sim-$1.json
  # A summary is printed when the duration is reached; exit 1 only means uploads were still
  # unanswered at that moment.
  timeout $(($2 + 120)) "$sim_bin" --server="127.0.0.1:$hj212_port" --closed-loop \
    --count-stations="$stations" --mn-prefix="$hj212_mn_prefix" --pw="$hj212_pw" \
    --readings-per-packet="$readings_per_packet" --duration="$2" \
    --start-time="$(beijing $((g7_base + $1 * 86400)))" >"$out" 2>"$work/g7-sim-$1.log" || true
  [[ -n $(json "$out" acked) ]] || die "hj212sim round $1 printed no summary (see $work/g7-sim-$1.log)"
  (($(json "$out" bad_answers) == 0)) || die "hj212sim round $1 got bad answers (see $out)"
  json "$out" acked_packets_per_s
}

# echo_round ROUND: prints echo calls/s.
echo_round() {
  local out=$work/g7-echo-$1.json
  timeout $((round_s + 60)) "$bench/bench_echo_client" --server="127.0.0.1:$echo_port" \
    --channels=$echo_channels --inflight=$echo_inflight --warmup=1 --duration="$round_s" \
    >"$out" 2>"$work/g7-echo-$1.err" || die "echo round $1 failed: $(cat "$work/g7-echo-$1.err")"
  json "$out" rpcs_per_s
}

log "G7 warm-up"
gateway_round 0 3 >/dev/null
echo_round 0 >/dev/null

g7_gateway=() g7_echo=() g7_ratio=()
for ((r = 1; r <= rounds; r++)); do
  # hj212sim's rate includes connecting its stations: one second more than the echo's
  # measured window.
  if ((r % 2)); then
    a=$(gateway_round "$r" $((round_s + 1)))
    b=$(echo_round "$r")
  else
    b=$(echo_round "$r")
    a=$(gateway_round "$r" $((round_s + 1)))
  fi
  g7_gateway+=("$a") g7_echo+=("$b") g7_ratio+=("$(ratio "$a" "$b")")
  log "G7 round $r: gateway $a packets/s, echo $b calls/s, ratio ${g7_ratio[-1]}"
done
stop_child "$echo_pid"

# ---- results -----------------------------------------------------------------------------

g4_a=$(median %.1f "${g4_grpc[@]}") g4_b=$(median %.1f "${g4_sql[@]}")
g4_r=$(median %.3f "${g4_ratio[@]}")
g7_a=$(median %.1f "${g7_gateway[@]}") g7_b=$(median %.1f "${g7_echo[@]}")
g7_r=$(median %.3f "${g7_ratio[@]}")
rss_delta=$((rss_after - rss_before))
per_conn=$(awk -v kib="$rss_delta" -v n="$idle_connections" 'BEGIN { printf "%.0f", kib * 1024 / n }')

verdict() { if "$@"; then echo PASS; else echo MISS; fi; }
g4_verdict=$(verdict at_least "$g4_r" "$g4_goal")
g7_verdict=MISS
if at_least "$g7_r" "$g7_goal" && at_least "$g7_a" "$g7_min_packets"; then g7_verdict=PASS; fi

{
  echo
  echo "ecocase ingest benchmarks — $(date -u +%FT%TZ), $(nproc) CPUs, $build_type build,"
  echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); $rounds interleaved rounds of ${round_s}s per side"
  [[ -n ${BENCH_SERVER_FLAGS:-} ]] && echo "server flags added: $BENCH_SERVER_FLAGS (goals assume the defaults)"
  echo
  printf '%-5s %-58s %12s   %s\n' goal measure median rounds
  printf '%-5s %-58s %12s   %s\n' G4 "IngestReadings readings/s ($ingest_threads threads, $readings_per_rpc/call)" \
    "$g4_a" "${g4_grpc[*]}"
  printf '%-5s %-58s %12s   %s\n' G4 "mariadb CLI INSERT rows/s ($readings_per_rpc rows/statement)" \
    "$g4_b" "${g4_sql[*]}"
  printf '%-5s %-58s %12s   %s\n' G4 "ratio (per round)" "$g4_r" "${g4_ratio[*]}"
  printf '%-5s %-58s %12s   %s\n' G7 "gateway packets/s ($stations stations, $readings_per_packet readings/packet)" \
    "$g7_a" "${g7_gateway[*]}"
  printf '%-5s %-58s %12s   %s\n' G7 "gRPC echo calls/s (callback API, -c $echo_channels -m $echo_inflight)" \
    "$g7_b" "${g7_echo[*]}"
  printf '%-5s %-58s %12s   %s\n' G7 "ratio (per round)" "$g7_r" "${g7_ratio[*]}"
  printf '%-5s %-58s %12s\n' MEM "server VmRSS before, KiB" "$rss_before"
  printf '%-5s %-58s %12s\n' MEM "server VmRSS with $idle_connections idle connections, KiB" "$rss_after"
  printf '%-5s %-58s %12s\n' MEM "bytes per idle connection" "$per_conn"
  printf '%-5s %-58s %12s\n' MEM "server descriptors before / after" "$fds_before / $fds_after"
  echo
  echo "G4 durable ingest: ratio $g4_r (goal >= $g4_goal): $g4_verdict"
  echo "G7 gateway packets: ratio $g7_r (goal >= $g7_goal) and $g7_a packets/s (goal >= $g7_min_packets): $g7_verdict"
  echo "MEM gateway: $((rss_delta / 1024)) MiB for $idle_connections idle connections, $per_conn bytes each (reported)"
} | tee "$work/results.txt"
