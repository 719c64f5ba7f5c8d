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

# --- idempotent objects and steps ---------------------------------------------------------
# A script that makes objects sets, after demo_setup: demo_kind (the request id's word, e.g.
# complaint), demo_objects (the resource, e.g. complaints) and demo_reader (the demo user
# who lists and reads them). Counters: created, steps.
demo_kind=
demo_objects=
demo_reader=
created=0
steps=0

request_id() {  # request_id KEY ARGS...: fixed by the step and its arguments
  local key=$1
  shift
  printf 'demo-%s-%s-%s' "$demo_kind" "$key" "$(printf '%s\n' "$@" | sha256sum | cut -c1-10)"
}

# find_object FIELD VALUE: the number of the object whose FIELD is VALUE, or nothing. The
# list's JSON is one line; every object in it starts with {"name":"OBJECTS/ID" (linked
# objects name theirs under other keys).
find_object() {
  local json
  json=$(ctl "$demo_reader" --json "$demo_objects" list) ||
    die "cannot list $demo_objects as $demo_reader"
  sed "s/{\"name\":\"$demo_objects\\//\\n/g" <<<"$json" |
    { grep -F -- "\"$1\":\"$2\"" || true; } | head -n 1 | sed 's/".*//'
}

# ensure_object KEY USER FIELD VALUE ECOCTL_ARGS...: sets `id` to the number of the object
# whose FIELD is VALUE, made by USER with ECOCTL_ARGS when there is none yet.
ensure_object() {
  local key=$1 user=$2 field=$3 value=$4 out
  shift 4
  id=$(find_object "$field" "$value")
  [[ -z $id ]] || return 0
  out=$(ctl "$user" --json "$@" --request-id "$(request_id "$key" "$@")" 2>&1) ||
    die "ecoctl $* as $user failed:"$'\n'"$out"
  id=$(sed -n "s/^{\"name\":\"$demo_objects\\/\\([0-9]*\\)\".*/\\1/p" <<<"$out")
  [[ -n $id ]] || die "no number in the answer to $*:"$'\n'"$out"
  created=$((created + 1))
}

object_json() { ctl "$demo_reader" --json "$demo_objects" get "$demo_objects/$1"; }
state_of() { object_json "$1" | sed -n 's/.*"state":"\([A-Z_]*\)".*/\1/p'; }

# step ID STATE USER KEY ECOCTL_ARGS...: the change, when object ID is in STATE.
step() {
  local id=$1 from=$2 user=$3 key=$4 out
  shift 4
  [[ $(state_of "$id") == "$from" ]] || return 0
  out=$(ctl "$user" "$@" --request-id "$(request_id "$id-$key" "$@")" 2>&1) ||
    die "ecoctl $* as $user failed:"$'\n'"$out"
  steps=$((steps + 1))
}

# --- evidence ------------------------------------------------------------------------------
# upload_evidence USER PARENT KIND FILE_NAME TEXT: sets `evidence` to the evidence/N that USER
# uploaded to PARENT (cases/N, inspections/N or tasks/N) as KIND (document, audio-visual …):
# a small file FILE_NAME holding TEXT, written afresh into a temp dir removed on exit. The
# same bytes to the same parent by the same user are the same item (the server keeps one per
# uploader, parent and SHA-256), so a re-run gets the stored item back and sends nothing.
demo_files=
upload_evidence() {
  local user=$1 parent=$2 kind=$3 name=$4 text=$5 out
  if [[ -z $demo_files ]]; then
    demo_files=$(mktemp -d "${TMPDIR:-/tmp}/ecocase-demo.XXXXXX")
    # shellcheck disable=SC2064  # the dir is known now
    trap "rm -rf '$demo_files'" EXIT
  fi
  printf '%s\n' "$text" >"$demo_files/$name"
  out=$(ctl "$user" --json evidence upload "$demo_files/$name" --parent "$parent" \
    --kind "$kind" --description "$text" 2>&1) ||
    die "ecoctl evidence upload $name --parent $parent as $user failed:"$'\n'"$out"
  evidence=$(sed -n 's/^{"name":"\(evidence\/[0-9]*\)".*"state":"STORED".*/\1/p' <<<"$out")
  [[ -n $evidence ]] || die "no stored item in the answer to the upload of $name:"$'\n'"$out"
}
