#!/usr/bin/env bash
# Makes a private CA plus server and client certificates for ecocase's gRPC TLS.
#
#   gen-certs.sh [--force] <outdir>
#
# Writes ca.pem ca.key server.pem server.key client.pem client.key (EC P-256,
# 825 days). The server certificate names localhost and 127.0.0.1; more names
# come from ECOCASE_TLS_SANS, e.g. "DNS:ecocase.example,IP:10.0.0.5".
# Existing files are kept; missing leaf certificates are issued by the existing
# CA. --force replaces everything.
set -euo pipefail

readonly DAYS=825   # the longest validity that TLS clients still accept

prog=$(basename "$0")
log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { echo "usage: $prog [--force] <outdir>" >&2; exit 2; }

force=0 outdir=""
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    -*) usage ;;
    *) [[ -z $outdir ]] || usage; outdir=$arg ;;
  esac
done
[[ -n $outdir ]] || usage
command -v openssl >/dev/null || die "openssl not found"

all=(ca.pem ca.key server.pem server.key client.pem client.key)
have() { [[ -s $outdir/$1 ]]; }

if (( !force )); then
  missing=0
  for f in "${all[@]}"; do have "$f" || missing=1; done
  if (( !missing )); then
    log "certificates already in $outdir (use --force to replace)"
    exit 0
  fi
fi

mkdir -p "$outdir"
# Build in a scratch dir and move into place at the end, so an interrupted
# run never leaves a key without its certificate.
work=$(mktemp -d "$outdir/.gen-certs.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 077

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
serial() { echo "0x$(openssl rand -hex 16)"; }

# issue NAME CN EXTENSIONS: key + certificate signed by the CA in $ca_dir.
issue() {
  local name=$1 cn=$2 ext=$3
  new_key "$work/$name.key"
  openssl req -new -key "$work/$name.key" -subj "/O=ecocase/CN=$cn" \
    -out "$work/$name.csr"
  printf '%s\n' "$ext" >"$work/$name.ext"
  openssl x509 -req -in "$work/$name.csr" -CA "$ca_dir/ca.pem" -CAkey "$ca_dir/ca.key" \
    -set_serial "$(serial)" -days "$DAYS" -sha256 -extfile "$work/$name.ext" \
    -out "$work/$name.pem" 2>/dev/null
  rm -f "$work/$name.csr" "$work/$name.ext"
  log "issued $name.pem (CN=$cn)"
}

if (( force )) || ! have ca.pem || ! have ca.key; then
  new_key "$work/ca.key"
  openssl req -new -x509 -key "$work/ca.key" -sha256 -days "$DAYS" \
    -subj "/O=ecocase/CN=ecocase private CA" -set_serial "$(serial)" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$work/ca.pem"
  log "created CA"
  ca_dir=$work
  new_ca=1
else
  ca_dir=$outdir
  new_ca=0
fi

sans="DNS:localhost,IP:127.0.0.1"
if [[ -n ${ECOCASE_TLS_SANS:-} ]]; then
  # Drop blanks so "DNS:a, IP:b" works too.
  sans+=",${ECOCASE_TLS_SANS//[[:space:]]/}"
fi

leaf_ext="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid"

# A new CA invalidates the old leaves, so they are reissued with it.
if (( new_ca )) || ! have server.pem || ! have server.key; then
  issue server localhost "$leaf_ext
extendedKeyUsage=serverAuth
subjectAltName=$sans"
fi
if (( new_ca )) || ! have client.pem || ! have client.key; then
  issue client ecocase-client "$leaf_ext
extendedKeyUsage=clientAuth"
fi

chmod 600 "$work"/*.key
chmod 644 "$work"/*.pem
for f in "${all[@]}"; do
  if [[ -e $work/$f ]]; then mv -f "$work/$f" "$outdir/$f"; fi
done
log "certificates in $outdir"
