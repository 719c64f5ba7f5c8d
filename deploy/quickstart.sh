#!/usr/bin/env bash
# Brings up ecocase on this machine: installs what is missing, builds, starts a private
# MariaDB under var/ (unless a database is given), migrates, loads the Jiaozuo demo data,
# makes TLS certificates and runs the server in the foreground. Ctrl-C stops all it
# started; running it again keeps the data.
#
#   deploy/quickstart.sh [--listen HOST:PORT] [--db-url mysql://USER@HOST:PORT/DB]
#
# Environment: ECOCASE_LISTEN (default 127.0.0.1:50051), ECOCASE_DB_URL, and for an
# external database its password in ECOCASE_DB_PASSWORD; ECOCASE_VAR_DIR (default var/).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
listen=${ECOCASE_LISTEN:-127.0.0.1:50051}
db_url=${ECOCASE_DB_URL:-}
var=${ECOCASE_VAR_DIR:-$root/var}
build=${ECOCASE_BUILD_DIR:-$root/build}

while (( $# )); do
  case $1 in
    --listen) listen=$2; shift 2 ;;
    --listen=*) listen=${1#*=}; shift ;;
    --db-url) db_url=$2; shift 2 ;;
    --db-url=*) db_url=${1#*=}; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "quickstart.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

step "packages"
"$root/deploy/install-packages.sh"

step "build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target ecocase-server ecoctl

mkdir -p "$var"
started_db=""
cleanup() {
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
"$build/server/ecocase-server" --listen="$listen" \
  --tls_cert_file="$var/tls/server.pem" --tls_key_file="$var/tls/server.key" &
server_pid=$!

host=${listen%:*}
[[ $host == 0.0.0.0 || $host == "[::]" ]] && host=localhost
[[ $host == 127.0.0.1 ]] && host=localhost  # the certificate names localhost and 127.0.0.1
port=${listen##*:}
ecoctl="$build/clients/ecoctl/ecoctl --server $host:$port --ca $var/tls/ca.pem"
for _ in $(seq 1 100); do
  $ecoctl health >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { echo "quickstart.sh: the server exited" >&2; exit 1; }
  sleep 0.2
done
cat <<MSG

ecocase is running on $host:$port (TLS; CA certificate $var/tls/ca.pem).
Try, in another terminal:
  $ecoctl health
  $ecoctl info
Press Ctrl-C to stop the server and the database it started. Data stays in $var.
MSG
wait "$server_pid"
