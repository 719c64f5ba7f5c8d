#!/usr/bin/env bash
# Makes one demo outlet exceed its SO2 limit over HJ 212, on demand: the exceedance
# evaluation then opens an incident, issues a rectification task and raises alerts. Run it
# while deploy/quickstart.sh is up, from another terminal in the repository root (with
# `ecoctl alerts watch`, as supervisor, running in a third one to see the alerts come).
#
#   deploy/demo/exceed.sh [--listen HOST:PORT] [--hj212-listen HOST:PORT]
#
# The outlet is DA003 of 焦作示范热电 (deploy/demo/registry.sh: a peak-load heating plant
# whose permit, a national-platform record imported as issued 400 days ago, limits SO2 to
# 35 mg/m3 hourly at 6 % O2; an hour is judged against the limit in force at its start, and
# the permits issued when the quickstart first ran do not cover the hours before). DA003 has
# no line in deploy/demo/stations.txt, so the quickstart's simulator never sends for it: this
# script binds its device once (as the demo admin), then runs clients/hj212sim for that
# station alone with exceed=a21026. The last 3 whole hours go out as 补传 hour data (CN 2061,
# RF=1) whose SO2 is 3-5 times the simulator's 18 mg/m3 baseline, then one real-time upload;
# the run ends when the gateway has acknowledged them. Running it again sends the newest
# hours (a reading already stored stays as it is).
#
# Environment, as for deploy/quickstart.sh: ECOCASE_LISTEN (default 127.0.0.1:50051),
# ECOCASE_HJ212_LISTEN (default 127.0.0.1:9212), ECOCASE_VAR_DIR (default var/),
# ECOCASE_BUILD_DIR (default build/).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
listen=${ECOCASE_LISTEN:-127.0.0.1:50051}
hj212_listen=${ECOCASE_HJ212_LISTEN:-127.0.0.1:9212}
var=${ECOCASE_VAR_DIR:-$root/var}
build=${ECOCASE_BUILD_DIR:-$root/build}

while (($#)); do
  case $1 in
    --listen) listen=$2; shift 2 ;;
    --listen=*) listen=${1#*=}; shift ;;
    --hj212-listen) hj212_listen=$2; shift 2 ;;
    --hj212-listen=*) hj212_listen=${1#*=}; shift ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "exceed.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "exceed.sh: $*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

# The outlet and its device (public demo values, like those of stations.txt).
uscc=91410811MA4DM0001W
outlet=DA003
outlet_name="焦作示范热电 调峰热源厂锅炉烟囱"
mn=DE0000000000410811011003
pw=Tq7hXe
so2=a21026
hours=3

ecoctl_bin=$build/clients/ecoctl/ecoctl
sim=$build/clients/hj212sim/hj212sim
[[ -x $ecoctl_bin && -x $sim ]] ||
  die "no ecoctl or hj212sim under $build: run deploy/quickstart.sh first"
demo_users=$var/demo-users.txt
[[ -f $demo_users ]] || die "no $demo_users: run deploy/quickstart.sh first"

# The server and its certificate, as deploy/quickstart.sh computes them.
host=${listen%:*}
[[ $host == 0.0.0.0 || $host == "[::]" ]] && host=localhost
[[ $host == 127.0.0.1 ]] && host=localhost  # the certificate names localhost and 127.0.0.1
port=${listen##*:}
hj212_host=${hj212_listen%:*}
[[ $hj212_host == 0.0.0.0 || $hj212_host == "[::]" ]] && hj212_host=127.0.0.1
hj212_port=${hj212_listen##*:}
ecoctl=("$ecoctl_bin" --server "$host:$port" --ca "$var/tls/ca.pem")
"${ecoctl[@]}" health >/dev/null 2>&1 ||
  die "no ecocase server on $host:$port: start deploy/quickstart.sh (with the same --listen) first"

# The demo admin's session of deploy/demo/registry.sh, reused.
sessions=$var/ecoctl-demo
mkdir -p "$sessions"
chmod 700 "$sessions"
ctl() { ECOCTL_CONFIG_DIR=$sessions/admin "${ecoctl[@]}" "$@"; }
if ! ctl whoami >/dev/null 2>&1; then
  password=$(awk '$1 == "admin" { print $3; exit }' "$demo_users")
  [[ -n $password ]] || die "no password for admin in $demo_users"
  printf '%s\n' "$password" | ctl login --user admin --password-stdin >/dev/null ||
    die "cannot sign in as admin with the password in $demo_users"
fi

# Beijing hours: the back-filled ones are the $hours whole hours before the current one.
now=$(date +%s)
first=$((now - now % 3600 - hours * 3600))
beijing() { TZ=Asia/Shanghai date -d "@$1" "+$2"; }

step "the limit of $outlet_name"
# An hour is judged against the limit in force at its start: the first back-filled one.
at=$(beijing "$first" %Y-%m-%dT%H:%M)
limit_json() { ctl --json permits limit "$uscc" "$outlet" "$so2" --at "$at" 2>&1; }
if ! json=$(limit_json); then
  # A registry loaded before DA003 was added to it: registry.sh adds what is missing.
  echo "the demo registry has no $outlet yet: deploy/demo/registry.sh adds it"
  ECOCASE_VAR_DIR=$var ECOCTL=$ecoctl_bin "$root/deploy/demo/registry.sh" \
    --server "$host:$port" --ca "$var/tls/ca.pem" >/dev/null
  json=$(limit_json) || die "no SO2 limit in force for $outlet at $at: $json"
fi
limit=$(sed -n 's/.*"concentrationLimit":\([0-9.]*\).*/\1/p' <<<"$json")
ref_o2=$(sed -n 's/.*"referenceO2Percent":\([0-9.]*\).*/\1/p' <<<"$json")
permit=$(sed -n 's/.*"permit":"[^"]*\/\([^"/]*\)".*/\1/p' <<<"$json")
echo "SO2 (a21026) ${limit} mg/m3 hourly at ${ref_o2:-no reference} % O2, permit $permit"

step "device $mn on $outlet"
# Bound once, and the outlet's only device: the outlet's hours are this station's alone.
outlet_json=$(ctl --json outlets get "$uscc" "$outlet")
others=$(grep -o '"mn":"[^"]*"' <<<"$outlet_json" | grep -v "\"$mn\"" || true)
[[ -z $others ]] || die "another device is bound to $outlet ($others): the hours would mix"
if [[ $outlet_json == *"\"mn\":\"$mn\""* ]]; then
  echo "bound already"
else
  # HJ 212-2025 without encryption: its 补传 carries RF=1, stored as back-filled.
  out=$(printf '%s\n' "$pw" | ctl devices bind "$uscc" "$outlet" --mn "$mn" --protocol 2025 \
    --password-stdin --request-id "demo-device-$mn" 2>&1) || die "cannot bind $mn to $outlet: $out"
  echo "bound (HJ 212-2025, no encryption, PW as in this script)"
fi

step "hj212sim: $hours hours of 补传 hour data, every SO2 value an exceedance"
log=$var/hj212sim-exceed.log
if ! "$sim" --server "$hj212_host:$hj212_port" \
  --station "$mn,$pw,2025,kind=air,exceed=$so2" --backfill-hours "$hours" \
  --packets $((hours + 1)) >>"$log" 2>&1; then
  tail -n 5 "$log" >&2
  die "the gateway did not acknowledge every upload (above: the end of $log)"
fi
echo "sent and acknowledged (log: $log); stored hour data of $outlet:"
for factor in "$so2" a19001; do  # SO2, and the O2 that corrects it to the reference
  ctl readings list --outlet "enterprises/$uscc/outlets/$outlet" --kind hour --pollutant "$factor" \
    --from "$at" | sed 's/^/  /'
done

# Commands as typed from the repository root.
rel() { case $1 in "$root"/*) printf '%s' "${1#"$root"/}" ;; *) printf '%s' "$1" ;; esac; }
cat <<MSG

$outlet_name 的 SO2 小时均值 ($(beijing "$first" %H:00)-$(beijing "$now" %H:00) 北京时间) 折算到
${ref_o2:-?} % 基准氧含量后超过 ${limit} mg/m3 的许可限值。评估每分钟运行一次：一两分钟内会新建一个
超标事件 (EXCEEDANCE)，向焦作示范热电下达整改任务，并发出告警。
The SO2 hourly means of $outlet ($(beijing "$first" %H:00)-$(beijing "$now" %H:00) Beijing time),
corrected to ${ref_o2:-?} % O2, are above the permit's ${limit} mg/m3. The evaluation runs
every minute: within a minute or two it opens an EXCEEDANCE incident, issues a
rectification task to 焦作示范热电 and raises alerts (INCIDENT_OPENED, TASK_ISSUED).

  export ECOCTL_SERVER=$host:$port ECOCTL_CA_FILE=$(rel "$var")/tls/ca.pem
  alias ecoctl=$(rel "$ecoctl_bin")
  ecoctl login --user supervisor          # the whole city; password in $(rel "$demo_users")
  ecoctl alerts watch                     # alerts as they come (Ctrl-C ends); start it first
  ecoctl alerts list                      # the alerts raised so far
  ecoctl incidents list --open
  ecoctl tasks list
  ecoctl readings list --outlet enterprises/$uscc/outlets/$outlet --kind hour

The station stops after these uploads, so the hours after them have no data: later the
evaluation also opens MISSING_DATA and, after an hour of silence, DEVICE_OFFLINE incidents
for $outlet. Run deploy/demo/exceed.sh again to send the newest hours.
此后该站不再上报数据：稍后还会出现数据缺失 (MISSING_DATA) 和设备离线 (DEVICE_OFFLINE) 事件。
MSG
