#!/usr/bin/env bash
# Brings up ecocase on this machine: installs what is missing, builds, starts a private
# MariaDB under var/ (unless a database is given), migrates, loads the Jiaozuo demo data,
# makes TLS certificates, runs the server in the foreground and signs in as admin to
# create one demo user per role (passwords in var/demo-users.txt), then loads the demo
# registry through the API (deploy/demo/registry.sh: 20 enterprises, their outlets,
# devices and permits) and the demo hotline complaints (deploy/demo/complaints.sh), and
# starts the station simulator (clients/hj212sim) sending HJ 212 data for every demo device
# (deploy/demo/stations.txt) to the gateway. The key that encrypts reporters' names and
# phones is made once, in var/field.key (0600). Ctrl-C stops all it started; running it
# again keeps the data, the users and their passwords.
#
#   deploy/quickstart.sh [--listen HOST:PORT] [--hj212-listen HOST:PORT]
#                        [--db-url mysql://USER@HOST:PORT/DB] [--no-stations]
#
# Environment: ECOCASE_LISTEN (default 127.0.0.1:50051), ECOCASE_HJ212_LISTEN (default
# 127.0.0.1:9212), ECOCASE_DB_URL, and for an external database its password in
# ECOCASE_DB_PASSWORD; ECOCASE_VAR_DIR (default var/).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
listen=${ECOCASE_LISTEN:-127.0.0.1:50051}
hj212_listen=${ECOCASE_HJ212_LISTEN:-127.0.0.1:9212}
stations=1
db_url=${ECOCASE_DB_URL:-}
var=${ECOCASE_VAR_DIR:-$root/var}
build=${ECOCASE_BUILD_DIR:-$root/build}

while (( $# )); do
  case $1 in
    --listen) listen=$2; shift 2 ;;
    --listen=*) listen=${1#*=}; shift ;;
    --hj212-listen) hj212_listen=$2; shift 2 ;;
    --hj212-listen=*) hj212_listen=${1#*=}; shift ;;
    --no-stations) stations=0; shift ;;
    --db-url) db_url=$2; shift 2 ;;
    --db-url=*) db_url=${1#*=}; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "quickstart.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

# --- demo users -------------------------------------------------------------------
# var/demo-users.txt (0600) holds "username role password" per line: the passwords are
# made once, so every run signs in with the same ones and never resets them.
demo_file=$var/demo-users.txt

demo_password() {  # demo_password USERNAME: its kept password, or nothing
  if [[ -f $demo_file ]]; then awk -v u="$1" '$1 == u { print $3; exit }' "$demo_file"; fi
}

new_password() { openssl rand -base64 24 | tr -dc 'A-Za-z0-9' | cut -c1-16; }

record_demo_user() {  # record_demo_user USERNAME ROLE PASSWORD: adds or replaces the line
  local tmp
  tmp=$(mktemp "$demo_file.XXXXXX")  # 0600 from the start, whatever the umask
  {
    if [[ -f $demo_file ]]; then
      grep -v -e "^$1 " "$demo_file" || true
    else
      echo "# ecocase demo users, made by deploy/quickstart.sh. Keep private."
      echo "# username    role              password"
    fi
    printf '%-13s %-17s %s\n' "$1" "$2" "$3"
  } >"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$demo_file"
}

uscc_with_check() {  # uscc_with_check FIRST17: appends the GB 32100-2015 check character
  local alphabet=0123456789ABCDEFGHJKLMNPQRTUWXY body=$1 sum=0 weight=1 i c v
  for ((i = 0; i < 17; i++)); do
    c=${body:i:1}
    v=${alphabet%%"$c"*}
    sum=$((sum + ${#v} * weight))
    weight=$((weight * 3 % 31))
  done
  printf '%s%s\n' "$body" "${alphabet:$(((31 - sum % 31) % 31)):1}"
}

# ensure_demo_user USERNAME ROLE DISPLAY_NAME [ecoctl users create flags...]: creates the
# user with its kept password (made now if there is none); an existing user stays as it
# is. Needs ctl_admin (ecoctl signed in as admin) and existing_users (its
# `users list --all --json`).
ensure_demo_user() {
  local user=$1 role=$2 display=$3 password
  shift 3
  password=$(demo_password "$user")
  if [[ $existing_users == *"\"username\":\"$user\""* ]]; then
    if [[ -n $password ]]; then
      echo "  kept    $user"
    else
      echo "  kept    $user (its password is not in $demo_file; ecoctl users reset-password $user makes a new one)"
    fi
    return 0
  fi
  if [[ -z $password ]]; then
    password=$(new_password)
    record_demo_user "$user" "$role" "$password"
  fi
  printf '%s\n' "$password" | ctl_admin users create --username "$user" --display-name "$display" \
    --role "$role" --password-stdin "$@" >/dev/null || return 1
  echo "  created $user ($role)"
}

step "packages"
"$root/deploy/install-packages.sh"

step "build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target ecocase-server ecoctl hj212sim

mkdir -p "$var"
# The key that encrypts reporters' names and phones at rest (AES-256-GCM): made once and kept
# (mode 0600) with the data; without it the stored identities cannot be read.
field_key=$var/field.key
if [[ ! -s $field_key ]]; then
  (umask 077 && openssl rand -hex 32 >"$field_key")
fi
chmod 600 "$field_key"
started_db=""
cleanup() {
  if [[ -n ${sim_pid:-} ]] && kill -0 "$sim_pid" 2>/dev/null; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  if [[ -n ${server_pid:-} ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n $started_db ]]; then
    "$root/deploy/mysql/dbctl.sh" stop "$started_db" || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "database"
if [[ -z $db_url ]]; then
  "$root/deploy/mysql/dbctl.sh" start "$var/db" >/dev/null
  started_db=$var/db
  set -a
  # shellcheck source=/dev/null
  . "$var/db/db.env"
  set +a
  echo "private MariaDB on $ECOCASE_DB_HOST:$ECOCASE_DB_PORT (data in $var/db)"
else
  # mysql://USER@HOST[:PORT]/DB — the password never goes in the URL.
  re='^mysql://([^:@/]+)@([^:/]+)(:([0-9]+))?/([A-Za-z0-9_]+)$'
  [[ $db_url =~ $re ]] || { echo "quickstart.sh: --db-url must look like mysql://USER@HOST:PORT/DB" >&2; exit 2; }
  export ECOCASE_DB_USER=${BASH_REMATCH[1]} ECOCASE_DB_HOST=${BASH_REMATCH[2]}
  export ECOCASE_DB_PORT=${BASH_REMATCH[4]:-3306} ECOCASE_DB_NAME=${BASH_REMATCH[5]}
  export ECOCASE_DB_SOCKET=""
  : "${ECOCASE_DB_PASSWORD:?set ECOCASE_DB_PASSWORD for the database in --db-url}"
  echo "database $ECOCASE_DB_USER@$ECOCASE_DB_HOST:$ECOCASE_DB_PORT/$ECOCASE_DB_NAME"
fi

step "TLS certificates"
"$root/deploy/tls/gen-certs.sh" "$var/tls"

step "migrations and demo data"
"$build/server/ecocase-server" --migrate_only --log_level=warning
MYSQL_PWD=$ECOCASE_DB_PASSWORD mariadb --default-character-set=utf8mb4 \
  --host="$ECOCASE_DB_HOST" --port="$ECOCASE_DB_PORT" --user="$ECOCASE_DB_USER" \
  "$ECOCASE_DB_NAME" <"$root/deploy/demo/jiaozuo.sql"
echo "loaded deploy/demo/jiaozuo.sql (焦作市 and its districts)"

step "server"
# The first run makes the admin's password; the server creates `admin` with it when the
# database has no administrator yet.
admin_password=$(demo_password admin)
if [[ -z $admin_password ]]; then
  admin_password=$(new_password)
  record_demo_user admin admin "$admin_password"
fi
# The server's structured log (one JSON line per call) goes to a file, so this terminal
# shows only what a person needs; `tail -f var/server.log` follows it.
ECOCASE_BOOTSTRAP_ADMIN_PASSWORD=$admin_password "$build/server/ecocase-server" --listen="$listen" \
  --hj212_listen="$hj212_listen" \
  --tls_cert_file="$var/tls/server.pem" --tls_key_file="$var/tls/server.key" \
  --field_key_file="$field_key" --evidence_dir="$var/evidence" 2>>"$var/server.log" &
server_pid=$!
echo "server log: $var/server.log"

host=${listen%:*}
[[ $host == 0.0.0.0 || $host == "[::]" ]] && host=localhost
[[ $host == 127.0.0.1 ]] && host=localhost  # the certificate names localhost and 127.0.0.1
port=${listen##*:}
ecoctl="$build/clients/ecoctl/ecoctl --server $host:$port --ca $var/tls/ca.pem"
for _ in $(seq 1 100); do
  $ecoctl health >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "quickstart.sh: the server exited; the end of $var/server.log:" >&2; tail -n 20 "$var/server.log" >&2; exit 1; }
  sleep 0.2
done

step "demo users"
# The script's own session lives under var/: the user's own `ecoctl login` is untouched.
ctl_admin() { ECOCTL_CONFIG_DIR=$var/ecoctl $ecoctl "$@"; }
demo_ok=1
if printf '%s\n' "$admin_password" | ctl_admin login --user admin --password-stdin >/dev/null &&
  existing_users=$(ctl_admin --json users list --all); then
  ensure_demo_user supervisor supervisor "王静（督查）" --district 410800 || demo_ok=0
  ensure_demo_user officer officer "张伟" --district 410802 --cert-number "豫环执410802001" \
    --cert-from 2026-01-01 --cert-until 2028-12-31 || demo_ok=0
  # Cases need two certified officers (行政处罚法 art. 42): officer and officer2 in 解放区,
  # officer2 and officer3 in 山阳区 (焦作示范热电, where deploy/demo/exceed.sh exceeds).
  ensure_demo_user officer2 officer "李娜" --district 410802 --district 410811 \
    --cert-number "豫环执410802002" --cert-from 2026-01-01 --cert-until 2028-12-31 || demo_ok=0
  ensure_demo_user officer3 officer "赵磊" --district 410811 --cert-number "豫环执410811001" \
    --cert-from 2026-01-01 --cert-until 2028-12-31 || demo_ok=0
  ensure_demo_user hotline hotline-operator "刘洋（12369热线）" --district 410800 || demo_ok=0
  ensure_demo_user enterprise enterprise "焦作示范化工有限公司" \
    --uscc "$(uscc_with_check 91410800MA44TE5T0)" || demo_ok=0
  # A gRPC collector account for the devices of 焦作示范热电 (deploy/demo/stations.txt).
  ensure_demo_user station station "焦作市环境监测站" --district 410811 \
    --device DE0000000000410811011001 --device DE0000000000410811011002 \
    --device DE0000000000410811012001 || demo_ok=0
  ensure_demo_user integration integration "12345政务服务平台对接" --district 410800 || demo_ok=0
else
  demo_ok=0
  echo "quickstart.sh: cannot sign in as admin with the password in $demo_file (the database" >&2
  echo "  may have an admin from before that file); demo users were not checked" >&2
fi
[[ $demo_ok == 1 ]] || echo "quickstart.sh: some demo users could not be made (see above); the server runs on" >&2

# demo NAME WHAT READY: runs deploy/demo/NAME.sh against the server when READY is 1 (what
# it builds on is there); prints 1 when it completed, 0 otherwise. Each script works through
# ecoctl as the demo users (sessions of its own under var/ecoctl-demo/); a re-run changes
# nothing.
demo() {
  local name=$1 what=$2 ready=$3
  if [[ $ready == 1 ]] &&
    ECOCASE_VAR_DIR=$var ECOCTL=$build/clients/ecoctl/ecoctl "$root/deploy/demo/$name.sh" \
      --server "$host:$port" --ca "$var/tls/ca.pem" >&2; then
    echo 1
  else
    echo "quickstart.sh: the demo $what were not (completely) made (see above); the server runs on" >&2
    echo 0
  fi
}

step "demo registry"
# Enterprises, outlets, devices and permits, as admin and supervisor.
registry_ok=$(demo registry "registry entries" "$demo_ok")

step "demo complaints"
# Hotline complaints in Chinese, as hotline, officer and integration.
complaints_ok=$(demo complaints complaints "$registry_ok")

step "demo cases"
# Enforcement cases in every state of the procedure, as officer and supervisor (a re-run
# records the scheduled hearing held once its day came).
cases_ok=$(demo cases cases "$complaints_ok")

step "monitoring stations"
# Every demo device of deploy/demo/stations.txt sends real-time data every 30 s and hour
# data each hour to the HJ 212 gateway, after re-sending the last 6 hours as 补传 (the
# gateway stores each reading once, so a re-run adds nothing twice); a few values exceed,
# a few frames are damaged on purpose. Its log: var/hj212sim.log.
hj212_host=${hj212_listen%:*}
[[ $hj212_host == 0.0.0.0 || $hj212_host == "[::]" ]] && hj212_host=127.0.0.1
hj212_port=${hj212_listen##*:}
if [[ $stations == 1 && $registry_ok == 1 ]]; then
  "$build/clients/hj212sim/hj212sim" --server "$hj212_host:$hj212_port" \
    --stations "$root/deploy/demo/stations.txt" --interval 30 --backfill-hours 6 \
    --exceed-rate 0.02 --bad-rate 0.002 >>"$var/hj212sim.log" 2>&1 &
  sim_pid=$!
  echo "$(grep -c '^[^#[:space:]]' "$root/deploy/demo/stations.txt") simulated stations -> HJ 212 gateway on $hj212_host:$hj212_port (log: $var/hj212sim.log)"
else
  echo "no simulated stations (--no-stations, or the demo registry is incomplete)"
fi

# Commands as typed from the repository root.
rel() { case $1 in "$root"/*) printf '%s' "${1#"$root"/}" ;; *) printf '%s' "$1" ;; esac; }
shown="$(rel "$build")/clients/ecoctl/ecoctl --server $host:$port --ca $(rel "$var")/tls/ca.pem"
echo
echo "Demo users (passwords kept in $(rel "$demo_file"), mode 0600):"
awk 'BEGIN { printf "  %-13s %-17s %s\n", "USERNAME", "ROLE", "PASSWORD" }
     !/^#/ { printf "  %-13s %-17s %s\n", $1, $2, $3 }' "$demo_file"
cat <<MSG

ecocase is running on $host:$port (TLS; CA certificate $var/tls/ca.pem).
Try, in another terminal, in $root:
  $shown health
  $shown info
  $shown login --user officer       # asks for officer's password
  $shown whoami
  $shown login --user supervisor    # admin and supervisor read the audit log
  $shown audit verify
MSG
if [[ $registry_ok == 1 ]]; then
  # The permit numbers of deploy/demo/registry.sh: the draft of 山阳示范污水处理有限公司 and
  # the permit of 焦作示范化工有限公司, the company of the demo user `enterprise`.
  draft_permit=91410811MA4DM0018K001P
  own_permit=$(uscc_with_check 91410800MA44TE5T0)001P
  draft_note="# 山阳示范污水处理有限公司"
  if ! ctl_admin --json permits get "$draft_permit" 2>/dev/null | grep -q '"state":"DRAFT"'; then
    draft_note="# 山阳示范污水处理有限公司 (issued already)"
  fi
  cat <<MSG

Try the demo registry and permits (README "Registry and permits with ecoctl"):
  export ECOCTL_SERVER=$host:$port ECOCTL_CA_FILE=$var/tls/ca.pem
  alias ecoctl=$build/clients/ecoctl/ecoctl
  ecoctl login --user supervisor          # supervisor's password above
  ecoctl enterprises list                 # the 20 demo enterprises
  ecoctl permits list --state draft
  ecoctl permits issue $draft_permit  $draft_note
  ecoctl permits change $own_permit --merge \\
      --limit 'DA001:a21002=100mg/m3/hour@3,annual=12t,std=GB 31571-2015 特别排放限值' \\
      --note '焦环许变〔2026〕15号：执行大气污染物特别排放限值'
  ecoctl permits versions $own_permit
  ecoctl permits expiring                 # within 60 days
  ecoctl login --user enterprise          # 焦作示范化工有限公司
  ecoctl permits status
  ecoctl logout
  ecoctl permits public $own_permit  # no sign-in needed
MSG
fi
if [[ -n ${sim_pid:-} ]]; then
  chem_outlet="enterprises/$(uscc_with_check 91410800MA44TE5T0)/outlets/DA001"
  cat <<MSG

Online monitoring (README "Online monitoring"): the simulated stations report every 30 s.
  ecoctl login --user supervisor          # the whole city
  ecoctl readings list --outlet $chem_outlet --kind realtime
  ecoctl readings list --outlet $chem_outlet --kind hour --pollutant a21026
  ecoctl login --user enterprise          # 焦作示范化工 reads its own outlets only
  ecoctl readings list --outlet $chem_outlet --from "$(TZ=UTC-8 date -d '-1 hour' '+%Y-%m-%dT%H:%M')"
See an exceedance become an incident and a task (超标 → 事件 → 整改任务): deploy/demo/exceed.sh
MSG
fi
cat <<MSG

Rectification tasks (README "Rectification tasks with ecoctl"): an officer issues, the
enterprise acknowledges and reports, officers re-inspect.
  ecoctl login --user officer             # 解放区; issues to 焦作示范水务 (91410802MA4DM0017F)
  ecoctl tasks list --due-within-days 30
MSG
if [[ $complaints_ok == 1 ]]; then
  cat <<MSG

Hotline complaints (README "Hotline complaints (12369 / 12345)"): the hotline's queue.
  ecoctl login --user hotline             # 12369 hotline operator, the whole city
  ecoctl complaints list --open
  ecoctl complaints list --due-within-hours 24
  ecoctl complaints list --overdue        # the 12345 order received 12 days ago (and the urgent one 2 h after it came in)
  ecoctl complaints get 1                 # deadlines, routing, findings, replies, revisits
  ecoctl complaints reveal 1 --purpose 回访   # the reporter in clear (audited)
MSG
fi
if [[ $cases_ok == 1 ]]; then
  cat <<MSG

Enforcement cases (README "Enforcement cases (行政处罚)"): one in every state.
  ecoctl login --user officer             # 解放区
  ecoctl cases list --mine                # my cases, with the next due date
  ecoctl cases candidates                 # findings that may call for a case
  ecoctl cases get 1                      # the record, the clocks, the timeline
  ecoctl cases decisions                  # the public decisions (no sign-in needed)
MSG
fi
echo "Press Ctrl-C to stop the server, the simulator and the database it started. Data stays in $var."
wait "$server_pid"
