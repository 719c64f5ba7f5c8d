#!/usr/bin/env bash
# The demo registry: 20 fictional enterprises (every name has 示范, "demo") across Jiaozuo's
# districts in its main industries, with their outlets, monitoring devices and discharge
# permits, created through the API with ecoctl (never SQL). admin registers enterprises,
# outlets and devices; supervisor prepares and issues permits; integration imports one
# permit record of the national platform. Re-running changes nothing.
#
#   deploy/demo/registry.sh [--server HOST:PORT] [--ca FILE | --plaintext] [--var DIR]
#                           [--ecoctl PATH]
#
# Environment (the flags win): ECOCTL_SERVER (default localhost:50051), ECOCTL_CA_FILE
# (default VAR/tls/ca.pem), ECOCASE_DEMO_PLAINTEXT=1, ECOCASE_VAR_DIR (default var/),
# ECOCTL (default $ECOCASE_BUILD_DIR/clients/ecoctl/ecoctl, build dir default build/).
# The passwords of admin, supervisor and integration come from VAR/demo-users.txt
# (deploy/quickstart.sh makes it); the sessions are kept in VAR/ecoctl-demo/ and reused, so a
# re-run signs in only when they have ended. Every device is bound as deploy/demo/stations.txt
# describes it (PW, HJ 212 version, lenient, SM4 key: public demo values, the same the
# station simulator sends); VAR/demo-devices.txt (0600) lists the MNs and PWs bound.
#
# Idempotent: every create carries a request id fixed by the object and its arguments (the
# server answers a repeat with its first response and changes nothing) and ALREADY_EXISTS
# counts as "already there"; permits are looked up first and issued or changed only in the
# state the demo wants to move them from.
#
# The limits are realistic examples labelled with their standard, not legal advice; values
# marked "uncertain" below were not checked against the standard's text (domain-rules §2.7).
set -euo pipefail

# shellcheck source=deploy/demo/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
demo_setup registry.sh 25 "$@"
devices_file=$var/demo-devices.txt
stations_file=$root/deploy/demo/stations.txt
[[ -f $stations_file ]] || die "no $stations_file"

# --- dates (Asia/Shanghai) --------------------------------------------------------------
today=$(TZ=Asia/Shanghai date +%F)
days_from_today() { TZ=Asia/Shanghai date -d "$today $1 days" +%F; }
# The last day of a five-year permit (条例 art. 14) starting on $1.
five_years_from() { date -d "$1 +5 years -1 day" +%F; }

# --- credit codes (GB 32100-2015) ---------------------------------------------------------
uscc_check() {  # uscc_check FIRST17: the check character
  local alphabet=0123456789ABCDEFGHJKLMNPQRTUWXY body=$1 sum=0 weight=1 i c v
  for ((i = 0; i < 17; i++)); do
    c=${body:i:1}
    v=${alphabet%%"$c"*}
    sum=$((sum + ${#v} * weight))
    weight=$((weight * 3 % 31))
  done
  printf '%s' "${alphabet:$(((31 - sum % 31) % 31)):1}"
}


# --- idempotent changes -------------------------------------------------------------------
# change ROLE KEY ECOCTL_ARGS...: a change whose request id is fixed by KEY and the
# arguments. A repeat within the server's retention (7 days) gets the first response; later,
# or for a changed definition, ALREADY_EXISTS says the object is there.
change() {
  local role=$1 key=$2 out id
  shift 2
  id="demo-$key-$(printf '%s\n' "$@" | sha256sum | cut -c1-10)"
  out=$(ctl "$role" "$@" --request-id "$id" 2>&1) && return 0
  [[ $out == *"error: ALREADY_EXISTS"* ]] && return 0
  printf 'registry.sh: ecoctl %s failed:\n%s\n' "$*" "$out" >&2
  return 1
}

# station MN: the device's line of stations.txt, into st_pw, st_version, st_lenient (1 or
# empty), st_sm4 (32 hex digits or empty) and st_kind (air, water).
station() {
  local mn=$1 line opts opt
  line=$(awk -v m="$mn" '{ sub(/#.*/, "") } $1 == m { print; exit }' "$stations_file")
  [[ -n $line ]] || die "MN $mn is not in $stations_file (every demo device is listed there)"
  read -r _ st_pw st_version opts <<<"$line"
  st_lenient="" st_sm4="" st_kind=air
  for opt in $opts; do
    case $opt in
      lenient) st_lenient=1 ;;
      sm4=*) st_sm4=${opt#sm4=} ;;
      kind=*) st_kind=${opt#kind=} ;;
      *) die "$stations_file, MN $mn: unknown option $opt" ;;
    esac
  done
  [[ -n $st_pw && -n $st_version ]] || die "$stations_file, MN $mn: expected MN PW VERSION"
}

record_device() {  # record_device MN PW: notes a bound device in VAR/demo-devices.txt
  local mn=$1 pw=$2 tmp
  if [[ -f $devices_file ]] && awk -v m="$mn" -v p="$pw" '$1 == m && $2 == p { found = 1 }
      END { exit !found }' "$devices_file"; then
    return 0
  fi
  tmp=$(mktemp "$devices_file.XXXXXX")
  {
    if [[ -f $devices_file ]]; then
      cat "$devices_file"
    else
      echo "# ecocase demo devices (HJ 212 MN and PW) bound by deploy/demo/registry.sh, as"
      echo "# deploy/demo/stations.txt describes them."
    fi
    printf '%s %s\n' "$mn" "$pw"
  } >"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$devices_file"
}

# --- the registry, one enterprise at a time -----------------------------------------------
uscc="" ent_name="" n_outlets=0 n_devices=0
count_enterprises=0 count_outlets=0 count_devices=0
declare -A permit_states=() bound_mns=()

# enterprise USCC NAME DISTRICT INDUSTRY CLASS KEY(yes|no) ADDRESS LAT LNG CONTACT
enterprise() {
  uscc=$1 ent_name=$2
  local district=$3 industry=$4 class=$5 key=$6 address=$7 lat=$8 lng=$9 contact=${10}
  [[ ${uscc:17:1} == "$(uscc_check "${uscc:0:17}")" ]] ||
    die "$uscc ($ent_name): wrong GB 32100 check character, expected $(uscc_check "${uscc:0:17}")"
  local args=(enterprises create --uscc "$uscc" --name "$ent_name" --address "$address"
    --district "$district" --industry "$industry" --class "$class" --lat "$lat" --lng "$lng"
    --contact "$contact")
  [[ $key == yes ]] && args+=(--key-discharger)
  change admin "ent-$uscc" "${args[@]}"
  n_outlets=0 n_devices=0
  count_enterprises=$((count_enterprises + 1))
}

# outlet CODE NAME POLLUTANTS LAT LNG [MN]: an outlet and, for a monitored one, its device
# with the PW and protocol profile of its line in stations.txt
outlet() {
  local code=$1 name=$2 pollutants=$3 lat=$4 lng=$5 mn=${6:-} args input
  change admin "outlet-$uscc-$code" outlets create "$uscc" --code "$code" --name "$name" \
    --pollutants "$pollutants" --lat "$lat" --lng "$lng"
  n_outlets=$((n_outlets + 1))
  count_outlets=$((count_outlets + 1))
  if [[ -n $mn ]]; then
    station "$mn"
    case $code:$st_kind in
      DA*:air | DW*:water) ;;
      *) die "$stations_file: MN $mn is kind=$st_kind but bound to outlet $code" ;;
    esac
    args=(devices bind "$uscc" "$code" --mn "$mn" --protocol "$st_version" --password-stdin)
    [[ -n $st_lenient ]] && args+=(--lenient)
    input=$st_pw
    if [[ -n $st_sm4 ]]; then
      # The key follows the PW on stdin: never on a command line.
      args+=(--encryption required --sm4-key-stdin)
      input=$(printf '%s\n%s' "$st_pw" "$st_sm4")
    fi
    printf '%s\n' "$input" | change admin "device-$mn" "${args[@]}"
    record_device "$mn" "$st_pw"
    bound_mns[$mn]=1
    n_devices=$((n_devices + 1))
    count_devices=$((count_devices + 1))
  fi
}

# permit WANT AGE_DAYS LIMIT...: the site-001 permit. WANT is in-force, draft or
# expiring (in force, last day 45 days from today); AGE_DAYS how long ago validity began
# (five years from then). Looked up first: made and issued only once.
permit_number=""
permit() {
  local want=$1 age=$2 state version json from last_day limit
  shift 2
  permit_number=${uscc}001P
  json=$(permit_json "$permit_number")
  if [[ -z $json ]]; then
    case $want in
      expiring)
        last_day=$(days_from_today 45)
        from=$(date -d "$last_day -5 years +1 day" +%F) ;;
      *)
        from=$(days_from_today "-$age")
        last_day=$(five_years_from "$from") ;;
    esac
    local args=(permits create "$uscc" --number "$permit_number" --valid-from "$from"
      --valid-until "$last_day")
    for limit in "$@"; do args+=(--limit "$limit"); done
    change supervisor "permit-$permit_number" "${args[@]}"
    json=$(permit_json "$permit_number")
  fi
  state=$(sed -n 's/.*"state":"\([A-Z_]*\)".*/\1/p' <<<"$json")
  if [[ $want != draft && $state == DRAFT ]]; then
    change supervisor "issue-$permit_number" permits issue "$permit_number"
    json=$(permit_json "$permit_number")
    state=$(sed -n 's/.*"state":"\([A-Z_]*\)".*/\1/p' <<<"$json")
  fi
  version=$(sed -n 's/.*"currentVersion":\([0-9]*\).*/\1/p' <<<"$json")
  permit_states[$permit_number]="$state ${version:-0}"
}

# permit_change NOTE LIMIT...: changes the permit once (version 1 → 2), the complete new set.
permit_change() {
  local note=$1 state version limit
  shift
  read -r state version <<<"${permit_states[$permit_number]}"
  [[ $state == IN_FORCE && $version == 1 ]] || return 0
  local args=(permits change "$permit_number" --note "$note")
  for limit in "$@"; do args+=(--limit "$limit"); done
  change supervisor "change-$permit_number" "${args[@]}"
  permit_states[$permit_number]="IN_FORCE 2"
}

# imported_permit SITE AGE_DAYS LIMIT...: the record of site SITE from the national permit
# platform (全国排污许可证管理信息平台), imported by integration as issued AGE_DAYS ago, so
# that its limits were in force before the registry was loaded (a permit issued here takes
# effect when it is issued). Looked up first: imported only once.
imported_permit() {
  local site=$1 age=$2 number json from state version limit
  shift 2
  number=${uscc}${site}P
  json=$(permit_json "$number")
  if [[ -z $json ]]; then
    from=$(days_from_today "-$age")
    local args=(permits import "$uscc" --number "$number" --valid-from "$from"
      --valid-until "$(five_years_from "$from")" --issued "${from}T09:00")
    for limit in "$@"; do args+=(--limit "$limit"); done
    change integration "import-$number" "${args[@]}"
    json=$(permit_json "$number")
  fi
  state=$(sed -n 's/.*"state":"\([A-Z_]*\)".*/\1/p' <<<"$json")
  version=$(sed -n 's/.*"currentVersion":\([0-9]*\).*/\1/p' <<<"$json")
  permit_states[$number]="$state ${version:-0}"
}

permit_json() {  # permit_json NUMBER: the permit as JSON, or nothing when there is none
  local out
  if out=$(ctl supervisor --json permits get "$1" 2>&1); then
    printf '%s' "$out"
  elif [[ $out != *"error: NOT_FOUND"* ]]; then
    die "cannot read permit $1: $out"
  fi
}

done_enterprise() {
  local state version
  read -r state version <<<"${permit_states[$permit_number]:-NONE 0}"
  printf '  %s  %s: %d outlet(s), %d device(s), permit %s %s v%s\n' "$uscc" "$ent_name" \
    "$n_outlets" "$n_devices" "$permit_number" "$state" "$version"
}

sign_in admin
sign_in supervisor
sign_in integration
echo "demo registry on $server (admin registers, supervisor issues permits):"

# Limits, by industry (mg/m3 dry at the reference O2 for air; mg/L for water):
#  coal power    GB 13223-2011 with 超低排放 (环发〔2015〕164号): PM 10, SO2 35, NOx 50, hourly,
#                O2 6 %
#  cement        GB 4915-2013 with Henan's ultra-low values: kiln tail PM 10, SO2 35, NOx 100
#                at O2 10 %; kiln head PM 10 (no reference O2)
#  incineration  GB 18485-2014 hourly: PM 30, NOx 300, SO2 100, CO 100, HCl 60 at O2 11 %.
#                The daily means (PM 20, NOx 250, SO2 80, HCl 50, CO 80) are not listed: a
#                permit holds one limit per outlet and pollutant, so the hourly ones are.
#  wastewater    GB 18918-2002 一级A, daily: COD 50, NH3-N 5, TP 0.5, TN 15
#  paper         GB 3544-2008 table 2, daily: COD 80, NH3-N 8 (TN 12, TP 0.8: uncertain)
#  tanning       GB 30486-2013 direct discharge, daily: COD 100, NH3-N 25 (TN 50, TP 1 and
#                total Cr 1.5 at the workshop outlet: uncertain)
#  alumina       GB 25465-2010 special limits (uncertain): PM 10, SO2 100, NOx 100, hourly
#  chemicals     GB 31571-2015 (organic; heater O2 3 %) and GB 31573-2015 (inorganic): values
#                uncertain, see each enterprise
#  pH (6-9) is a range and is monitored, not limited here. Henan's Yellow River basin
#  standard (DB41/2087-2021) may be stricter for some water outlets (not checked).
#  Annual masses (t/a) are illustrative: concentration × a plausible flow.
#  Coordinates are approximate points in the district; addresses, names, people and phone
#  numbers are made up.
#  Devices: most speak HJ 212-2017 (strict); 08 and 14 have legacy HJ/T 212-2005 devices
#  (lenient), 15 and 18 new HJ 212-2025 ones (15 with SM4 encryption required). Their PWs,
#  versions and the demo SM4 key are in deploy/demo/stations.txt.

ULP='GB 13223-2011 超低排放'  # coal power, ultra-low
CEM='GB 4915-2013 河南超低排放'
INC='GB 18485-2014'
WWT='GB 18918-2002 一级A'

# 01 焦作示范热电 — coal-fired combined heat and power, 2 units; and a peak-load heating
# plant (调峰热源厂, 2 coal-fired hot-water boilers over 65 t/h, so GB 13223) at a second
# site, whose permit is a national-platform record. Its outlet DA003 has no device here and
# no line in stations.txt: deploy/demo/exceed.sh binds one and makes its SO2 exceed.
enterprise 91410811MA4DM0001W 焦作示范热电有限公司 410811 D4412 key yes \
  "焦作市山阳区示范大道88号" 35.2148 113.2786 "王建国,环保负责人,0391-0000101"
outlet DA001 "1号机组烟囱" a34013,a21026,a21002,a19001 35.2151 113.2779 DE0000000000410811011001
outlet DA002 "2号机组烟囱" a34013,a21026,a21002,a19001 35.2153 113.2784 DE0000000000410811011002
outlet DW001 "废水总排口" w01018,w21003,w01001 35.2141 113.2790 DE0000000000410811012001
outlet DA003 "调峰热源厂锅炉烟囱" a34013,a21026,a21002,a19001 35.2262 113.2653
# Wastewater: GB 8978-1996 一级 (COD 100, NH3-N 15) — uncertain whether DB41/2087 applies.
permit in-force 610 \
  "DA001:a34013=10mg/m3/hour@6,annual=60t,std=$ULP" \
  "DA001:a21026=35mg/m3/hour@6,annual=210t,std=$ULP" \
  "DA001:a21002=50mg/m3/hour@6,annual=300t,std=$ULP" \
  "DA002:a34013=10mg/m3/hour@6,annual=60t,std=$ULP" \
  "DA002:a21026=35mg/m3/hour@6,annual=210t,std=$ULP" \
  "DA002:a21002=50mg/m3/hour@6,annual=300t,std=$ULP" \
  "DW001:w01018=100mg/L/day,annual=12t,std=GB 8978-1996 一级" \
  "DW001:w21003=15mg/L/day,annual=1.8t,std=GB 8978-1996 一级"
imported_permit 002 400 \
  "DA003:a34013=10mg/m3/hour@6,annual=6t,std=$ULP" \
  "DA003:a21026=35mg/m3/hour@6,annual=21t,std=$ULP" \
  "DA003:a21002=50mg/m3/hour@6,annual=30t,std=$ULP"
done_enterprise

# 02 焦作示范发电 — coal-fired power, 2 × 600 MW; changed once (annual masses cut)
enterprise 91410804MA4DM0002U 焦作示范发电有限责任公司 410804 D4411 key yes \
  "焦作市马村区示范路16号" 35.2632 113.3195 "李秀英,安环部部长,0391-0000102"
outlet DA001 "1号锅炉烟囱" a34013,a21026,a21002,a19001 35.2636 113.3188 DE0000000000410804021001
outlet DA002 "2号锅炉烟囱" a34013,a21026,a21002,a19001 35.2639 113.3193 DE0000000000410804021002
permit in-force 980 \
  "DA001:a34013=10mg/m3/hour@6,annual=120t,std=$ULP" \
  "DA001:a21026=35mg/m3/hour@6,annual=420t,std=$ULP" \
  "DA001:a21002=50mg/m3/hour@6,annual=600t,std=$ULP" \
  "DA002:a34013=10mg/m3/hour@6,annual=120t,std=$ULP" \
  "DA002:a21026=35mg/m3/hour@6,annual=420t,std=$ULP" \
  "DA002:a21002=50mg/m3/hour@6,annual=600t,std=$ULP"
permit_change "焦环许变〔2026〕8号：按总量控制要求核减二氧化硫、氮氧化物许可排放量" \
  "DA001:a34013=10mg/m3/hour@6,annual=120t,std=$ULP" \
  "DA001:a21026=35mg/m3/hour@6,annual=380t,std=$ULP" \
  "DA001:a21002=50mg/m3/hour@6,annual=540t,std=$ULP" \
  "DA002:a34013=10mg/m3/hour@6,annual=120t,std=$ULP" \
  "DA002:a21026=35mg/m3/hour@6,annual=380t,std=$ULP" \
  "DA002:a21002=50mg/m3/hour@6,annual=540t,std=$ULP"
done_enterprise

# 03 焦作示范化工 — organic chemicals; the demo `enterprise` user's company (USCC as in
# deploy/quickstart.sh). GB 31571-2015 table 4 / table 1 values (uncertain): heater PM 20,
# SO2 100, NOx 150 at O2 3 %; water COD 60, NH3-N 8. The README walk-through changes NOx to
# the special limit 100.
enterprise 91410800MA44TE5T0P 焦作示范化工有限公司 410803 C2614 key yes \
  "焦作市中站区示范化工园区1号" 35.2382 113.1672 "陈静,环保负责人,0391-0000103"
outlet DA001 "1号工艺加热炉烟囱" a34013,a21026,a21002,a19001 35.2385 113.1668 DE0000000000410803031001
outlet DW001 "废水总排口" w01018,w21003,w21001,w21011,w01001 35.2377 113.1679 DE0000000000410803032001
permit in-force 420 \
  "DA001:a34013=20mg/m3/hour@3,std=GB 31571-2015" \
  "DA001:a21026=100mg/m3/hour@3,annual=12t,std=GB 31571-2015" \
  "DA001:a21002=150mg/m3/hour@3,annual=18t,std=GB 31571-2015" \
  "DW001:w01018=60mg/L/day,annual=21.9t,std=GB 31571-2015" \
  "DW001:w21003=8mg/L/day,annual=2.9t,std=GB 31571-2015"
done_enterprise

# 04 焦作示范铝业 — alumina; GB 25465-2010 special limits (uncertain)
enterprise 91410803MA4DM0004K 焦作示范铝业有限公司 410803 C3216 key yes \
  "焦作市中站区示范路200号" 35.2451 113.1524 "杨帆,环保专员,0391-0000104"
outlet DA001 "氢氧化铝焙烧炉烟囱" a34013,a21026,a21002 35.2455 113.1519 DE0000000000410803041001
outlet DA002 "熟料窑烟囱" a34013,a21026,a21002 35.2447 113.1530 DE0000000000410803041002
permit in-force 1210 \
  "DA001:a34013=10mg/m3/hour,annual=15t,std=GB 25465-2010 特别排放限值" \
  "DA001:a21026=100mg/m3/hour,annual=90t,std=GB 25465-2010 特别排放限值" \
  "DA001:a21002=100mg/m3/hour,annual=120t,std=GB 25465-2010 特别排放限值" \
  "DA002:a34013=10mg/m3/hour,annual=20t,std=GB 25465-2010 特别排放限值" \
  "DA002:a21026=100mg/m3/hour,annual=110t,std=GB 25465-2010 特别排放限值" \
  "DA002:a21002=100mg/m3/hour,annual=150t,std=GB 25465-2010 特别排放限值"
done_enterprise

# 05 修武示范氧化铝 — alumina; GB 25465-2010 special limits, water COD 50 / NH3-N 5 (uncertain)
enterprise 91410821MA4DM0005Q 修武示范氧化铝有限公司 410821 C3216 key yes \
  "焦作市修武县示范工业园区6号" 35.2274 113.4418 "赵磊,安环部部长,0391-0000105"
outlet DA001 "焙烧炉烟囱" a34013,a21026,a21002 35.2278 113.4412 DE0000000000410821051001
outlet DW001 "废水总排口" w01018,w21003,w01001 35.2269 113.4425 DE0000000000410821052001
permit in-force 350 \
  "DA001:a34013=10mg/m3/hour,annual=12t,std=GB 25465-2010 特别排放限值" \
  "DA001:a21026=100mg/m3/hour,annual=80t,std=GB 25465-2010 特别排放限值" \
  "DA001:a21002=100mg/m3/hour,annual=100t,std=GB 25465-2010 特别排放限值" \
  "DW001:w01018=50mg/L/day,annual=9t,std=GB 25465-2010 特别排放限值" \
  "DW001:w21003=5mg/L/day,annual=0.9t,std=GB 25465-2010 特别排放限值"
done_enterprise

# 06 修武示范水泥 — cement clinker line, 5000 t/d
enterprise 91410821MA4DM0006U 修武示范水泥有限公司 410821 C3011 key yes \
  "焦作市修武县示范山路9号" 35.2536 113.4705 "黄丽,环保负责人,0391-0000106"
outlet DA001 "窑尾烟囱" a34013,a21026,a21002,a19001 35.2541 113.4699 DE0000000000410821061001
outlet DA002 "窑头烟囱" a34013 35.2533 113.4711 DE0000000000410821061002
permit in-force 760 \
  "DA001:a34013=10mg/m3/hour@10,annual=66t,std=$CEM" \
  "DA001:a21026=35mg/m3/hour@10,annual=230t,std=$CEM" \
  "DA001:a21002=100mg/m3/hour@10,annual=660t,std=$CEM" \
  "DA002:a34013=10mg/m3/hour,annual=40t,std=$CEM"
done_enterprise

# 07 博爱示范水泥 — cement clinker line, 4500 t/d
enterprise 91410822MA4DM0007D 博爱示范水泥有限公司 410822 C3011 key yes \
  "焦作市博爱县示范路56号" 35.1867 113.0412 "周强,安环部部长,0391-0000107"
outlet DA001 "窑尾烟囱" a34013,a21026,a21002,a19001 35.1871 113.0406 DE0000000000410822071001
outlet DA002 "窑头烟囱" a34013 35.1863 113.0418 DE0000000000410822071002
permit in-force 1480 \
  "DA001:a34013=10mg/m3/hour@10,annual=60t,std=$CEM" \
  "DA001:a21026=35mg/m3/hour@10,annual=205t,std=$CEM" \
  "DA001:a21002=100mg/m3/hour@10,annual=590t,std=$CEM" \
  "DA002:a34013=10mg/m3/hour,annual=36t,std=$CEM"
done_enterprise

# 08 博爱示范化工 — inorganic salts; GB 31573-2015 special limits (uncertain): PM 10,
# SO2 100, NOx 100; water COD 50, NH3-N 10. Old data acquisition devices: HJ/T 212-2005,
# registered lenient.
enterprise 91410822MA4DM0008G 博爱示范化工有限公司 410822 C2613 key no \
  "焦作市博爱县示范化工园区18号" 35.1612 113.0733 "吴敏,环保专员,0391-0000108"
outlet DA001 "焙烧尾气排气筒" a34013,a21026,a21002 35.1616 113.0728 DM410822081001
outlet DW001 "废水总排口" w01018,w21003,w01001 35.1608 113.0739 DM410822082001
permit in-force 530 \
  "DA001:a34013=10mg/m3/hour,std=GB 31573-2015 特别排放限值" \
  "DA001:a21026=100mg/m3/hour,annual=25t,std=GB 31573-2015 特别排放限值" \
  "DA001:a21002=100mg/m3/hour,annual=30t,std=GB 31573-2015 特别排放限值" \
  "DW001:w01018=50mg/L/day,annual=7.3t,std=GB 31573-2015" \
  "DW001:w21003=10mg/L/day,annual=1.5t,std=GB 31573-2015"
done_enterprise

# 09 沁阳示范热电 — coal-fired CHP, 1 × 350 MW; its permit expires 45 days from the day
# the registry was first loaded, so `ecoctl permits expiring` shows it
enterprise 91410882MA4DM0009G 沁阳示范热电有限公司 410882 D4412 key yes \
  "焦作市沁阳市示范大道3号" 35.0896 112.9507 "徐涛,环保负责人,0391-0000109"
outlet DA001 "1号机组烟囱" a34013,a21026,a21002,a19001 35.0899 112.9501 DE0000000000410882091001
permit expiring 0 \
  "DA001:a34013=10mg/m3/hour@6,annual=70t,std=$ULP" \
  "DA001:a21026=35mg/m3/hour@6,annual=245t,std=$ULP" \
  "DA001:a21002=50mg/m3/hour@6,annual=350t,std=$ULP"
done_enterprise

# 10 沁阳示范化工 — basic chemicals, simplified management: no online monitoring (no
# device); GB 31573-2015 (uncertain)
enterprise 91410882MA4DM0010M 沁阳示范化工有限公司 410882 C2619 simplified no \
  "焦作市沁阳市示范工业园区21号" 35.1042 112.9288 "孙丽,环保专员,0391-0000110"
outlet DA001 "干燥尾气排气筒" a34013,a21026,a21002 35.1046 112.9283
permit in-force 270 \
  "DA001:a34013=30mg/m3/hour,std=GB 31573-2015" \
  "DA001:a21026=400mg/m3/hour,std=GB 31573-2015" \
  "DA001:a21002=200mg/m3/hour,std=GB 31573-2015"
done_enterprise

# 11 武陟示范纸业 — paper and board, 20 000 m3/d of wastewater
enterprise 91410823MA4DM0011A 武陟示范纸业有限公司 410823 C2221 key yes \
  "焦作市武陟县示范路66号" 35.0992 113.4021 "马骏,环保负责人,0391-0000111"
outlet DW001 "废水总排口" w01018,w21003,w21001,w21011,w01001 35.0987 113.4027 DE0000000000410823112001
permit in-force 890 \
  "DW001:w01018=80mg/L/day,annual=584t,std=GB 3544-2008" \
  "DW001:w21003=8mg/L/day,annual=58.4t,std=GB 3544-2008" \
  "DW001:w21001=12mg/L/day,std=GB 3544-2008" \
  "DW001:w21011=0.8mg/L/day,std=GB 3544-2008"
done_enterprise

# 12 温县示范纸业 — paper, with a gas-fired boiler: GB 13271-2014 special limits PM 20,
# SO2 50, NOx 150 at O2 3.5 % (Henan's boiler standard may be stricter: uncertain)
enterprise 91410825MA4DM0012A 温县示范纸业有限公司 410825 C2221 key yes \
  "焦作市温县示范路12号" 34.9412 113.0806 "朱红,安环部部长,0391-0000112"
outlet DA001 "燃气锅炉烟囱" a34013,a21026,a21002,a19001 34.9416 113.0801 DE0000000000410825121001
outlet DW001 "废水总排口" w01018,w21003,w21001,w21011,w01001 34.9407 113.0812 DE0000000000410825122001
permit in-force 140 \
  "DA001:a34013=20mg/m3/hour@3.5,std=GB 13271-2014 特别排放限值" \
  "DA001:a21026=50mg/m3/hour@3.5,std=GB 13271-2014 特别排放限值" \
  "DA001:a21002=150mg/m3/hour@3.5,annual=8t,std=GB 13271-2014 特别排放限值" \
  "DW001:w01018=80mg/L/day,annual=292t,std=GB 3544-2008" \
  "DW001:w21003=8mg/L/day,annual=29.2t,std=GB 3544-2008" \
  "DW001:w21001=12mg/L/day,std=GB 3544-2008" \
  "DW001:w21011=0.8mg/L/day,std=GB 3544-2008"
done_enterprise

# 13 孟州示范皮业 — tanning; the chromium-bearing stream is limited at the workshop outlet
enterprise 91410883MA4DM0013D 孟州示范皮业有限公司 410883 C1910 key yes \
  "焦作市孟州市示范皮革园区8号" 34.9187 112.8123 "胡斌,环保负责人,0391-0000113"
outlet DW001 "废水总排口" w01018,w21003,w21001,w21011,w01001 34.9183 112.8129 DE0000000000410883132001
outlet DW002 "含铬废水车间排放口" w20116 34.9191 112.8118
permit in-force 700 \
  "DW001:w01018=100mg/L/day,annual=109.5t,std=GB 30486-2013" \
  "DW001:w21003=25mg/L/day,annual=27.4t,std=GB 30486-2013" \
  "DW001:w21001=50mg/L/day,std=GB 30486-2013" \
  "DW001:w21011=1mg/L/day,std=GB 30486-2013" \
  "DW002:w20116=1.5mg/L/day,std=GB 30486-2013"
done_enterprise

# 14 孟州示范制革 — tanning; an old HJ/T 212-2005 device, registered lenient
enterprise 91410883MA4DM0014G 孟州示范制革有限公司 410883 C1910 key no \
  "焦作市孟州市示范皮革园区15号" 34.9202 112.8157 "郭峰,环保专员,0391-0000114"
outlet DW001 "废水总排口" w01018,w21003,w01001 34.9198 112.8162 DM410883142001
permit in-force 300 \
  "DW001:w01018=100mg/L/day,annual=54.8t,std=GB 30486-2013" \
  "DW001:w21003=25mg/L/day,annual=13.7t,std=GB 30486-2013"
done_enterprise

# 15 焦作示范环保能源 — municipal waste incineration with power, 2 furnaces; its devices
# speak HJ 212-2025 over the Internet, so their uploads must be SM4-encrypted
enterprise 91410804MA4DM00156 焦作示范环保能源有限公司 410804 D4417 key yes \
  "焦作市马村区示范环保产业园1号" 35.2785 113.3412 "何琳,环保负责人,0391-0000115"
outlet DA001 "1号焚烧炉烟囱" a34013,a21026,a21002,a21005,a21024,a19001 35.2789 113.3407 DE0000000000410804151001
outlet DA002 "2号焚烧炉烟囱" a34013,a21026,a21002,a21005,a21024,a19001 35.2791 113.3411 DE0000000000410804151002
permit in-force 820 \
  "DA001:a34013=30mg/m3/hour@11,annual=24t,std=$INC" \
  "DA001:a21002=300mg/m3/hour@11,annual=300t,std=$INC" \
  "DA001:a21026=100mg/m3/hour@11,annual=96t,std=$INC" \
  "DA001:a21005=100mg/m3/hour@11,std=$INC" \
  "DA001:a21024=60mg/m3/hour@11,std=$INC" \
  "DA002:a34013=30mg/m3/hour@11,annual=24t,std=$INC" \
  "DA002:a21002=300mg/m3/hour@11,annual=300t,std=$INC" \
  "DA002:a21026=100mg/m3/hour@11,annual=96t,std=$INC" \
  "DA002:a21005=100mg/m3/hour@11,std=$INC" \
  "DA002:a21024=60mg/m3/hour@11,std=$INC"
done_enterprise

# 16 孟州示范环保能源 — municipal waste incineration, 1 furnace
enterprise 91410883MA4DM0016N 孟州示范环保能源有限公司 410883 D4417 key yes \
  "焦作市孟州市示范路99号" 34.8921 112.7702 "高翔,安环部部长,0391-0000116"
outlet DA001 "焚烧炉烟囱" a34013,a21026,a21002,a21005,a21024,a19001 34.8925 112.7697 DE0000000000410883161001
permit in-force 450 \
  "DA001:a34013=30mg/m3/hour@11,annual=12t,std=$INC" \
  "DA001:a21002=300mg/m3/hour@11,annual=150t,std=$INC" \
  "DA001:a21026=100mg/m3/hour@11,annual=48t,std=$INC" \
  "DA001:a21005=100mg/m3/hour@11,std=$INC" \
  "DA001:a21024=60mg/m3/hour@11,std=$INC"
done_enterprise

# 17 焦作示范水务 — municipal wastewater treatment, 100 000 m3/d
enterprise 91410802MA4DM0017F 焦作示范水务有限公司 410802 D4620 key yes \
  "焦作市解放区示范路1号" 35.2412 113.2158 "林涛,厂长,0391-0000117"
outlet DW001 "污水处理厂总排口" w01018,w21003,w21011,w21001,w01001 35.2408 113.2163 DE0000000000410802172001
permit in-force 1030 \
  "DW001:w01018=50mg/L/day,annual=1825t,std=$WWT" \
  "DW001:w21003=5mg/L/day,annual=182.5t,std=$WWT" \
  "DW001:w21011=0.5mg/L/day,annual=18.25t,std=$WWT" \
  "DW001:w21001=15mg/L/day,annual=547.5t,std=$WWT"
done_enterprise

# 18 山阳示范污水处理 — a new plant, 40 000 m3/d: its permit is a draft, to be issued in the
# README walk-through; its device speaks HJ 212-2025 (no encryption on a private network)
enterprise 91410811MA4DM0018K 山阳示范污水处理有限公司 410811 D4620 key yes \
  "焦作市山阳区示范新区2号" 35.2013 113.2921 "罗敏,厂长,0391-0000118"
outlet DW001 "污水处理厂总排口" w01018,w21003,w21011,w21001,w01001 35.2009 113.2926 DE0000000000410811182001
permit draft 0 \
  "DW001:w01018=50mg/L/day,annual=730t,std=$WWT" \
  "DW001:w21003=5mg/L/day,annual=73t,std=$WWT" \
  "DW001:w21011=0.5mg/L/day,annual=7.3t,std=$WWT" \
  "DW001:w21001=15mg/L/day,annual=219t,std=$WWT"
done_enterprise

# 19 武陟示范污水处理 — municipal wastewater treatment, 30 000 m3/d
enterprise 91410823MA4DM00193 武陟示范污水处理有限公司 410823 D4620 key yes \
  "焦作市武陟县示范路30号" 35.0881 113.3912 "刘洋,厂长,0391-0000119"
outlet DW001 "污水处理厂总排口" w01018,w21003,w21011,w21001,w01001 35.0877 113.3917 DE0000000000410823192001
permit in-force 560 \
  "DW001:w01018=50mg/L/day,annual=547.5t,std=$WWT" \
  "DW001:w21003=5mg/L/day,annual=54.75t,std=$WWT" \
  "DW001:w21011=0.5mg/L/day,annual=5.48t,std=$WWT" \
  "DW001:w21001=15mg/L/day,annual=164.25t,std=$WWT"
done_enterprise

# 20 温县示范污水处理 — municipal wastewater treatment, 20 000 m3/d
enterprise 91410825MA4DM00205 温县示范污水处理有限公司 410825 D4620 key no \
  "焦作市温县示范路8号" 34.9356 113.0688 "张伟,厂长,0391-0000120"
outlet DW001 "污水处理厂总排口" w01018,w21003,w21011,w21001,w01001 34.9352 113.0693 DE0000000000410825202001
permit in-force 200 \
  "DW001:w01018=50mg/L/day,annual=365t,std=$WWT" \
  "DW001:w21003=5mg/L/day,annual=36.5t,std=$WWT" \
  "DW001:w21011=0.5mg/L/day,annual=3.65t,std=$WWT" \
  "DW001:w21001=15mg/L/day,annual=109.5t,std=$WWT"
done_enterprise

# stations.txt lists the registry's devices and nothing else (the simulator sends for each).
for mn in $(awk '{ sub(/#.*/, "") } NF { print $1 }' "$stations_file"); do
  [[ -n ${bound_mns[$mn]:-} ]] || die "$stations_file lists MN $mn, which no outlet here binds"
done

in_force=0 drafts=0
for number in "${!permit_states[@]}"; do
  case ${permit_states[$number]} in
    IN_FORCE*) in_force=$((in_force + 1)) ;;
    DRAFT*) drafts=$((drafts + 1)) ;;
  esac
done
echo "demo registry: $count_enterprises enterprises, $count_outlets outlets," \
  "$count_devices devices; permits: $in_force in force, $drafts draft" \
  "(devices as in $stations_file)"
