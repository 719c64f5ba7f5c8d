# shellcheck shell=bash
# Shared by the demo scripts, which source it: their command line and the demo users'
# ecoctl sessions. Not a script of its own.
#
# demo_setup NAME HELP_LINES "$@" reads the flags every demo script takes
#   [--server HOST:PORT] [--ca FILE | --plaintext] [--var DIR] [--ecoctl PATH]
# (the environment gives the defaults: ECOCTL_SERVER (localhost:50051), ECOCTL_CA_FILE
# (VAR/tls/ca.pem), ECOCASE_DEMO_PLAINTEXT=1, ECOCASE_VAR_DIR (var/), ECOCTL
# (build/clients/ecoctl/ecoctl)); --help prints lines 2..HELP_LINES of the script. It sets
# root, var, server, demo_users and sessions (VAR/ecoctl-demo/, mode 0700), and checks that
# ecoctl and VAR/demo-users.txt (made by deploy/quickstart.sh) are there.

demo_setup() {
  demo_name=$1
  local help_lines=$2
  shift 2
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  var=${ECOCASE_VAR_DIR:-$root/var}
  server=${ECOCTL_SERVER:-localhost:50051}
  local ca=${ECOCTL_CA_FILE:-} plaintext=${ECOCASE_DEMO_PLAINTEXT:-}
  local ecoctl_bin=${ECOCTL:-${ECOCASE_BUILD_DIR:-$root/build}/clients/ecoctl/ecoctl}
  while (($#)); do
    case $1 in
      --server) server=$2; shift 2 ;;
      --ca) ca=$2; shift 2 ;;
      --plaintext) plaintext=1; shift ;;
      --var) var=$2; shift 2 ;;
      --ecoctl) ecoctl_bin=$2; shift 2 ;;
      -h | --help) sed -n "2,${help_lines}p" "$0"; exit 0 ;;
      *) echo "$demo_name: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
  done
  [[ -x $ecoctl_bin ]] || die "no ecoctl at $ecoctl_bin (build it, or give --ecoctl)"
  demo_users=$var/demo-users.txt
  [[ -f $demo_users ]] ||
    die "no $demo_users: run deploy/quickstart.sh first (it makes the demo users)"
  ecoctl=("$ecoctl_bin" --server "$server")
  if [[ -n $plaintext ]]; then
    ecoctl+=(--plaintext)
  else
    ecoctl+=(--ca "${ca:-$var/tls/ca.pem}")
  fi
  sessions=$var/ecoctl-demo
  mkdir -p "$sessions"
  chmod 700 "$sessions"
}

die() { echo "$demo_name: $*" >&2; exit 1; }

ctl() {  # ctl USER ECOCTL_ARGS...: ecoctl as the demo user USER
  local user=$1
  shift
  ECOCTL_CONFIG_DIR=$sessions/$user "${ecoctl[@]}" "$@"
}

sign_in() {  # sign_in USER: keeps a session that still works (a login is an audit record)
  local user=$1 password
  ctl "$user" whoami >/dev/null 2>&1 && return 0
  password=$(awk -v u="$user" '$1 == u { print $3; exit }' "$demo_users")
  [[ -n $password ]] || die "no password for $user in $demo_users"
  printf '%s\n' "$password" | ctl "$user" login --user "$user" --password-stdin >/dev/null ||
    die "cannot sign in as $user with the password in $demo_users"
}
