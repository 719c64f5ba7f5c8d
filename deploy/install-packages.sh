#!/usr/bin/env bash
# Installs the Debian packages listed in deploy/packages.txt that are missing.
#
#   install-packages.sh [LIST_FILE]    (default: packages.txt beside this script)
#
# apt-get runs only when something is missing, so a ready machine costs
# nothing and needs no network.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
list=${1:-$here/packages.txt}
[[ -r $list ]] || { echo "install-packages.sh: cannot read $list" >&2; exit 1; }

missing=()
while IFS= read -r line; do
  pkg=${line%%#*}
  pkg=${pkg//[[:space:]]/}
  [[ -n $pkg ]] || continue
  if [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) != installed ]]; then
    missing+=("$pkg")
  fi
done <"$list"

if (( ${#missing[@]} == 0 )); then
  echo "install-packages.sh: all packages in $(basename "$list") are installed" >&2
  exit 0
fi

echo "install-packages.sh: installing ${missing[*]}" >&2
sudo=()
if (( EUID != 0 )); then
  command -v sudo >/dev/null || {
    echo "install-packages.sh: not root and no sudo; install: ${missing[*]}" >&2
    exit 1
  }
  sudo=(sudo)
fi
# env inside sudo: sudo drops most of the caller's environment.
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
"${apt[@]}" update
"${apt[@]}" install -y "${missing[@]}"
