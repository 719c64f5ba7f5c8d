#!/usr/bin/env bash
# Demo enforcement cases (行政处罚案件), in Chinese, through the API with ecoctl as the demo
# users (never SQL), one in every state of the procedure: `officer` (解放区) opens cases,
# investigates, notifies, serves and records payments; `supervisor` assigns officer and
# officer2, files, decides, closes. Needs the demo registry and complaints
# (deploy/demo/registry.sh, deploy/demo/complaints.sh: the verified odour complaint about
# 焦作示范水务 is the source of the clue).
#
#   deploy/demo/cases.sh [--server HOST:PORT] [--ca FILE | --plaintext] [--var DIR]
#                        [--ecoctl PATH]
#
# Environment (the flags win): as for deploy/demo/registry.sh. Passwords come from
# VAR/demo-users.txt; sessions are kept in VAR/ecoctl-demo/ and reused.
#
# The set (parties other than 焦作示范水务 are made-up individuals, 个体工商户): a clue from
# the odour complaint; a referral not filed (城管's remit); cases filed, under investigation,
# under review, notified; a hearing requested and scheduled 21 days after the first run,
# which a run on or after that day records as held (HEARING_HELD); decided; decided without
# penalty; transferred to the police (package not yet sent: its 3-day clock runs); served
# (焦作示范水务's fine: a public decision, and a correction task); executing (half paid);
# closed; archived.
#
# Evidence: each case that is investigated gets a short written statement of what was found
# (现场检查情况说明, a few lines of text made here), uploaded by officer to the case as a
# DOCUMENT (书证) through the evidence store, and links that item (evidence/N), which the server
# checks is stored whole in the case's district. So the server needs its evidence_dir (the
# quickstart gives var/evidence).
#
# Idempotent: a case is looked up by its summary before it is opened, and each step runs
# only from the state it starts from, with a request id fixed by the step and its
# arguments; evidence is uploaded only to a case that has none linked yet, and the same bytes
# uploaded again are the same item; so a re-run changes nothing (but the hearing once its
# day has come).
set -euo pipefail

# shellcheck source=deploy/demo/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
demo_setup cases.sh 33 "$@"

today=$(TZ=Asia/Shanghai date +%F)
days_from_today() { TZ=Asia/Shanghai date -d "$today $1 days" +%F; }
# N days from today, or the Monday after when that is a weekend (holidays are not looked at:
# 21 days hold the seven working days a hearing notice needs whatever the holidays).
weekday_from_today() {
  local day=$1
  case $(TZ=Asia/Shanghai date -d "$today $day days" +%u) in
    6) day=$((day + 2)) ;;
    7) day=$((day + 1)) ;;
  esac
  days_from_today "$day"
}

demo_kind=case demo_objects=cases demo_reader=officer

# ensure KEY SUMMARY ECOCTL_OPEN_FLAGS...: sets `id` to the number of the case with this
# summary, opened by officer in 解放区 when there is none yet.
ensure() {
  local key=$1 summary=$2
  shift 2
  ensure_object "$key" officer summary "$summary" \
    cases open --district 410802 --summary "$summary" "$@"
}

# The common beginning: two certified officers, filed, investigating with evidence, under
# review. Each call moves the case as far as `until` (FILED, INVESTIGATING, UNDER_REVIEW);
# FOUND is the text of the evidence (the statement of what the officers found).
investigate() {
  local id=$1 until=$2 found=$3
  step "$id" CLUE supervisor assign-1 cases assign "cases/$id" officer
  step "$id" CLUE supervisor assign-2 cases assign "cases/$id" officer2
  step "$id" CLUE supervisor file cases file "cases/$id" --violation-end "$today"
  [[ $until == FILED ]] && return 0
  step "$id" FILED officer investigate cases investigate "cases/$id"
  # Linking evidence leaves the state as it is: look at the links instead. The statement is
  # uploaded to the case first (officer works in 解放区, the case's district), then linked.
  if [[ $(state_of "$id") == INVESTIGATING ]] && ! object_json "$id" | grep -qF '"evidence":['; then
    upload_evidence officer "cases/$id" document "现场检查情况说明-$id.txt" \
      "焦作市生态环境局 现场检查情况说明（cases/$id）"$'\n'"$found"
    step "$id" INVESTIGATING officer attach cases attach "cases/$id" "$evidence"
  fi
  [[ $until == INVESTIGATING ]] && return 0
  step "$id" INVESTIGATING officer submit cases submit-review "cases/$id"
}

rights="当事人有权进行陈述、申辩；对较大数额罚款，有权在收到本告知书之日起五个工作日内要求听证。"

# notify ID YUAN FACTS BASIS: notified today of a fine.
notify() {
  step "$1" UNDER_REVIEW officer notify cases notify "cases/$1" --fine "$2" --facts "$3" \
    --basis "$4" --rights "$rights" --received "$today"
}

# decide ID YUAN ORDER BASIS: the party waives, the fine is decided.
decide() {
  step "$1" NOTIFIED officer waive cases respond "cases/$1" --waive --note "当事人书面放弃陈述申辩和听证"
  step "$1" NOTIFIED supervisor decide cases decide "cases/$1" --fine "$2" --order "$3" --basis "$4"
}

serve() {
  step "$1" DECIDED officer serve cases serve "cases/$1" --method direct --date "$today"
}

sign_in officer
sign_in supervisor
water=91410802MA4DM0017F  # 焦作示范水务, the demo registry's sewage plant in 解放区

# 1 CLUE: the verified odour complaint (deploy/demo/complaints.sh) becomes a case clue.
odour=$(ctl hotline --json complaints list --clues 2>/dev/null |
  sed 's/{"name":"complaints\//\n/g' | grep -F "示范路污水处理厂每晚十点后" | head -n 1 |
  sed 's/".*//' || true)
if [[ -n $odour ]]; then
  ensure clue "污泥脱水间除臭设施未正常运行，厂界臭气浓度超标" --source-kind complaint \
    --source "complaints/$odour" --party-kind organisation --party 焦作示范水务有限公司 \
    --enterprise "$water"
  clue=$id
else
  echo "cases.sh: the verified odour complaint is not there (run deploy/demo/complaints.sh); no clue from it" >&2
  clue=
fi

# 2 NOT_FILED: a referral outside the bureau's remit.
ensure referral-bbq "居民区露天烧烤油烟扰民" --source-kind referral --source "解城管转〔2026〕5号" \
  --party-kind individual --party "王某某（个体烧烤摊）"
step "$id" CLUE supervisor not-file cases not-file "cases/$id" \
  --reason "露天烧烤油烟属城市管理部门职责（《大气污染防治法》第八十一条），已告知移交单位"

# 3 FILED: officers assigned, investigation not started.
ensure records "在线监测设备运维记录不全，擅自停运自动监测设备" --source-kind referral \
  --source "焦环执转〔2026〕21号" --party-kind organisation --party 焦作示范水务有限公司 \
  --enterprise "$water"
investigate "$id" FILED ""

# 4 INVESTIGATING.
ensure paint "汽修店喷漆作业未配套建设挥发性有机物治理设施" --source-kind referral \
  --source "解城管转〔2026〕9号" --party-kind individual --party "赵某某（个体汽修店）"
investigate "$id" INVESTIGATING "喷漆房内正在进行喷漆作业，未设置废气收集和挥发性有机物治理设施，门窗敞开。"

# 5 UNDER_REVIEW.
ensure sludge "污泥转移联单填写不实" --source-kind referral --source "焦环固转〔2026〕3号" \
  --party-kind organisation --party 焦作示范水务有限公司 --enterprise "$water"
investigate "$id" UNDER_REVIEW "2026年污泥转移联单所填转移量与污泥脱水间出泥台账不一致。"

# 6 NOTIFIED: ¥85,000 against an organisation, a hearing may be requested.
ensure cod "废水总排口化学需氧量日均浓度超过排放标准" --source-kind referral \
  --source "焦环监转〔2026〕12号" --party-kind organisation --party 焦作示范水务有限公司 \
  --enterprise "$water"
investigate "$id" UNDER_REVIEW "调取废水总排口在线监测数据：连续3日化学需氧量日均浓度超过一级A标准。"
notify "$id" 85000 "2026年连续3日废水总排口化学需氧量日均浓度超过GB 18918-2002一级A标准。" \
  "《中华人民共和国水污染防治法》第八十三条第二项"

# 7 HEARING_REQUESTED, then HEARING_HELD on its day: ¥8,000 against an individual.
ensure dust "砂石料堆场未采取覆盖等防尘措施" --source-kind referral --source "解城管转〔2026〕14号" \
  --party-kind individual --party "孙某某（个体砂石料场）"
hearing_case=$id
investigate "$id" UNDER_REVIEW "砂石料堆场约3000平方米物料裸露堆放，未覆盖、未喷淋，现场扬尘明显。"
notify "$id" 8000 "砂石料堆场约3000平方米物料裸露堆放，未覆盖、未喷淋。" \
  "《中华人民共和国大气污染防治法》第一百一十七条第一项"
step "$id" NOTIFIED officer request-hearing cases request-hearing "cases/$id" --date "$today"
if [[ $(state_of "$id") == HEARING_REQUESTED ]] && ! object_json "$id" | grep -q '"hearingDate"'; then
  step "$id" HEARING_REQUESTED officer schedule cases schedule-hearing "cases/$id" \
    --notice "$today" --hearing "$(weekday_from_today 21)" --presiding supervisor
fi
hearing_day=$(object_json "$id" |
  sed -n 's/.*"hearingDate":{"year":\([0-9]*\),"month":\([0-9]*\),"day":\([0-9]*\)}.*/\1 \2 \3/p' |
  { read -r y m d && printf '%04d-%02d-%02d' "$y" "$m" "$d"; } || true)
if [[ -n $hearing_day && ! $today < $hearing_day ]]; then
  step "$id" HEARING_REQUESTED officer held cases hearing "cases/$id" --held \
    --record "当事人到场陈述，称已购置防尘网，请求从轻处罚。"
fi

# 8 DECIDED: ¥3,000, waived.
ensure wash "洗车废水未经处理直接排入雨水管网" --source-kind referral --source "解城管转〔2026〕17号" \
  --party-kind individual --party "周某（个体洗车店）"
investigate "$id" UNDER_REVIEW "洗车废水经地面漫流排入丰收路雨水井，现场未见沉淀隔油设施。"
notify "$id" 3000 "洗车废水经地面漫流排入丰收路雨水井。" "《城镇排水与污水处理条例》第五十条"
decide "$id" 3000 "立即停止向雨水管网排放洗车废水" "《城镇排水与污水处理条例》第五十条"

# 9 NO_PENALTY: minor and corrected at once (行政处罚法 art. 33).
ensure oil "餐饮油烟净化设施未定期清洗" --source-kind referral --source "解城管转〔2026〕18号" \
  --party-kind individual --party "吴某（个体餐馆）"
investigate "$id" UNDER_REVIEW "油烟净化设施积油严重，未见清洗记录；当场已安排清洗。"
step "$id" UNDER_REVIEW supervisor no-penalty cases decide "cases/$id" --no-penalty \
  --reason "违法行为轻微并及时改正，没有造成危害后果（《行政处罚法》第三十三条第一款）"

# 10 TRANSFERRED: a hidden pipe for plating wastewater, to the police.
ensure pipe "私设暗管排放含重金属电镀废水" --source-kind referral --source "焦环执转〔2026〕30号" \
  --party-kind individual --party "郑某某（个体电镀作坊）"
investigate "$id" INVESTIGATING "作坊后墙发现暗管通向农灌渠，管口排放含重金属电镀废水。"
step "$id" INVESTIGATING supervisor transfer cases transfer "cases/$id" --kind criminal \
  --to 焦作市公安局解放分局 --package 涉嫌犯罪案件移送书 --package 涉嫌犯罪案件调查报告 \
  --package 涉案物品清单 --package 检验报告 --note "涉嫌污染环境罪（《刑法》第三百三十八条）"

# 11 SERVED, 12 EXECUTING (half paid), 13 CLOSED, 14 ARCHIVED: small fines, waived, served.
# The served fine is 焦作示范水务's, so that the public list (cases decisions) shows one:
# decisions against individuals are not published.
for n in 11 12 13 14; do
  party_flags=(--party-kind individual)
  basis="《中华人民共和国大气污染防治法》"
  case $n in
    11) key=sludge-store what="污泥暂存间未采取防渗漏措施" yuan=20000
        party_flags=(--party-kind organisation --party 焦作示范水务有限公司 --enterprise "$water")
        basis="《中华人民共和国固体废物污染环境防治法》第一百零二条" ;;
    12) key=waste party="陈某（个体废品站）" what="废铅蓄电池露天堆放未按危险废物管理" yuan=5000 ;;
    13) key=ash party="褚某（个体炉渣场）" what="炉渣露天堆放未采取防扬散措施" yuan=1500 ;;
    14) key=boiler party="卫某（个体豆制品作坊）" what="使用高污染燃料燃煤小锅炉" yuan=1000 ;;
  esac
  ((n == 11)) || party_flags+=(--party "$party")
  ensure "$key" "$what" --source-kind referral --source "解城管转〔2026〕$((30 + n))号" \
    "${party_flags[@]}"
  investigate "$id" UNDER_REVIEW "现场检查发现：${what}。"
  notify "$id" "$yuan" "现场检查发现：${what}。" "$basis"
  decide "$id" "$yuan" "立即改正：${what}" "$basis"
  serve "$id"
  ((n == 11)) && continue
  if ((n == 12)); then
    step "$id" SERVED officer pay-half cases pay "cases/$id" --yuan "$((yuan / 2))" \
      --date "$today" --receipt "JZFM-DEMO-$n-1"
    continue
  fi
  step "$id" SERVED officer pay cases pay "cases/$id" --yuan "$yuan" --date "$today" \
    --receipt "JZFM-DEMO-$n"
  step "$id" EXECUTING supervisor close cases close "cases/$id" --ground fully-performed
  ((n == 13)) && continue
  step "$id" CLOSED officer archive cases archive "cases/$id"
done

echo "demo cases on $server: $created opened, $steps steps taken (a re-run takes none);"
if [[ -n $hearing_day && $today < $hearing_day ]]; then
  echo "cases/$hearing_case has its hearing on $hearing_day: a run from that day records it held"
fi
[[ -z $clue ]] || echo "cases/$clue is a clue from complaints/$odour, waiting for the filing decision"
ctl officer cases list | sed 's/^/  /'
