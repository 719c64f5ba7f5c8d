#!/usr/bin/env bash
# Demo hotline complaints (投诉举报), in Chinese, through the API with ecoctl as the demo
# users (never SQL): the hotline operator `hotline` registers calls, decides acceptance,
# dispatches, replies, revisits and closes; the officer `officer` (410802 解放区) records
# findings; `integration` imports a 12345 work order. Needs the demo registry
# (deploy/demo/registry.sh: 焦作示范水务 is the reported enterprise of two complaints).
#
#   deploy/demo/complaints.sh [--server HOST:PORT] [--ca FILE | --plaintext] [--var DIR]
#                             [--ecoctl PATH]
#
# Environment (the flags win): as for deploy/demo/registry.sh — ECOCTL_SERVER (default
# localhost:50051), ECOCTL_CA_FILE (default VAR/tls/ca.pem), ECOCASE_DEMO_PLAINTEXT=1,
# ECOCASE_VAR_DIR (default var/), ECOCTL (default build/clients/ecoctl/ecoctl). Passwords
# come from VAR/demo-users.txt; sessions are kept in VAR/ecoctl-demo/ and reused.
#
# The set: two reports of the night-time odour of 焦作示范水务's sewage plant (12369 phone
# and WeChat, merged; verified, a rectification task issued, replied to both reporters,
# revisited, closed); a 12345 work order about a workshop's noise at night (replied,
# awaiting its revisit); an anonymous WeChat report of black wastewater into the 大沙河
# (dispatched to 山阳区); a neighbour's air conditioner (不予受理: 城市管理局); a letter
# about dumped waste (accepted, awaiting dispatch); and an urgent web report of open
# burning left unaccepted: its 2-hour acceptance clock makes it overdue two hours after
# the first run; and a 12345 order about car-wash wastewater that the 12345 centre took in
# 12 days before it was transferred, overdue for acceptance at once
# (`ecoctl complaints list --overdue`).
#
# Idempotent: a complaint is looked up by its description before it is created (the 12345
# order is also one complaint by its number), and each step runs only from the state the
# step starts from, so a re-run changes nothing; every change carries a request id fixed
# by the step and its arguments.
set -euo pipefail

# shellcheck source=deploy/demo/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
demo_setup complaints.sh 31 "$@"

demo_kind=complaint demo_objects=complaints demo_reader=hotline

# ensure KEY USER DESCRIPTION ECOCTL_CREATE_FLAGS...: sets `id` to the number of the
# complaint with this description, created by USER when there is none yet.
ensure() {
  local key=$1 user=$2 description=$3
  shift 3
  ensure_object "$key" "$user" description "$description" \
    complaints create --description "$description" "$@"
}

sign_in hotline
sign_in officer
sign_in integration

# Made-up reporters, addresses and numbers; 焦作示范水务 (91410802MA4DM0017F, 解放区示范路1号)
# is the demo registry's sewage plant.
water=91410802MA4DM0017F

# 1 and 2: the same odour reported twice, by two people: merged, verified, a task issued.
ensure odour hotline "示范路污水处理厂每晚十点后散发刺鼻臭味，周边居民无法开窗休息，已持续一周" \
  --channel 12369-phone --category air --urgency normal \
  --address "焦作市解放区示范路1号东侧居民区" --district 410802 --lat 35.2421 --lng 113.2149 \
  --reporter-name 王建华 --reporter-phone 13903910001 --enterprise "$water" \
  --attachment REC12369-DEMO-0001
odour=$id
ensure odour-wechat hotline "污水厂晚上臭味很大，气味像臭鸡蛋，希望环保部门夜间来查" \
  --channel 12369-wechat --category air --urgency normal \
  --address "焦作市解放区示范路3号院" --district 410802 --lat 35.2418 --lng 113.2166 \
  --reporter-name 李秀梅 --reporter-phone 13703910002 --enterprise "$water" \
  --attachment WX12369-DEMO-0002
odour2=$id
step "$odour" RECEIVED hotline accept complaints accept "$odour"
step "$odour" ACCEPTED hotline dispatch complaints dispatch "$odour" --district 410802 \
  --team 大气环境执法中队 --officer officer --note "请于22时后到厂界及周边居民区核查异味"
step "$odour2" RECEIVED hotline merge complaints merge "$odour" "$odour2"
step "$odour" DISPATCHED officer findings complaints findings "$odour" --outcome verified \
  --text "22时30分现场核查：污泥脱水间除臭设施未运行、门窗敞开，厂界臭气浓度超过GB 18918-2002厂界限值" \
  --action "立即恢复污泥脱水间生物除臭设施运行并保持门窗关闭" \
  --action "对除臭设施开展一次运行评估，提交厂界臭气浓度监测报告" \
  --days 10 --working-days --basis "《中华人民共和国大气污染防治法》第八十条"
step "$odour" FINDINGS_RECORDED hotline reply complaints reply "$odour" --text \
  "您反映的示范路污水处理厂夜间异味问题经现场核查属实：该厂除臭设施未正常运行。我局已责令其10个工作日内整改，并将复查。感谢您对生态环境保护工作的支持。"
step "$odour" REPLIED hotline revisit complaints revisit "$odour" --satisfaction satisfied \
  --note "夜间异味明显减轻"
step "$odour" REVISITED hotline revisit-2 complaints revisit "$odour" --of "$odour2" \
  --satisfaction basic --note "希望持续监管"
step "$odour" REVISITED hotline close complaints close "$odour"

# 3: a 12345 work order (the 12345 platform's integration account imports it): industrial
# noise at night, verified and replied to; its reporter's revisit is the hotline's next job.
ensure order integration "工业路某机械加工厂每晚十点后冲压设备仍在作业，咣咣声很大，影响附近居民睡眠" \
  --channel 12345 --order-number JZ12345-DEMO-0001 --category noise --urgency urgent \
  --address "焦作市解放区工业路与建设路交叉口东北角" --district 410802 \
  --lat 35.2236 --lng 113.2404 --reporter-name 陈女士 --reporter-phone 13803910003
order=$id
step "$order" RECEIVED hotline accept complaints accept "$order"
step "$order" ACCEPTED hotline dispatch complaints dispatch "$order" --district 410802 \
  --officer officer --note "12345转办：夜间工业噪声"
step "$order" DISPATCHED officer findings complaints findings "$order" --outcome verified \
  --text "22时40分现场监测：冲压车间门窗敞开作业，厂界夜间噪声58分贝，超过GB 12348-2008 2类区夜间50分贝限值；已责令停止夜间冲压作业"
step "$order" FINDINGS_RECORDED hotline reply complaints reply "$order" --text \
  "经现场监测，该厂夜间厂界噪声超标，已责令其停止夜间冲压作业并限期采取隔声降噪措施，我局将依法处理。"

# 4: anonymous, black water into the 大沙河: dispatched to 山阳区's team.
ensure river hotline "大沙河丰收路桥下游有暗管向河道排放黑色污水，有明显臭味" \
  --channel 12369-wechat --category water --urgency urgent \
  --address "焦作市山阳区大沙河丰收路桥下游约200米北岸" --district 410811 \
  --lat 35.2046 --lng 113.2609 --anonymous --attachment WX12369-DEMO-0004
river=$id
step "$river" RECEIVED hotline accept complaints accept "$river"
step "$river" ACCEPTED hotline dispatch complaints dispatch "$river" --district 410811 \
  --team 水环境执法中队 --note "匿名举报，请沿河排查排污口"

# 5: not the bureau's: a neighbour's air conditioner.
ensure aircon hotline "楼上邻居空调外机夜间运转噪声大，影响睡眠" \
  --channel 12369-phone --category noise --urgency normal \
  --address "焦作市山阳区塔南路某小区5号楼" --district 410811 \
  --reporter-name 刘先生 --reporter-phone 0391-3920004
aircon=$id
step "$aircon" RECEIVED hotline reject complaints reject "$aircon" --ground outside-remit \
  --reason "居民家用空调外机噪声属于社会生活噪声，不属于生态环境部门职责" \
  --authority "焦作市城市管理局（数字城管热线12319）"

# 6: a letter: accepted, waiting to be dispatched.
ensure dumping hotline "修武县郇封镇村北废弃砖厂坑内近期被倾倒大量建筑垃圾和疑似化工废渣" \
  --channel letter --category solid-waste --urgency normal \
  --address "焦作市修武县郇封镇某村北废弃砖厂" --district 410821 \
  --reporter-name 赵某 --reporter-phone 15903910006 --attachment LETTER-DEMO-2026-0006
dumping=$id
step "$dumping" RECEIVED hotline accept complaints accept "$dumping"

# 7: urgent and left RECEIVED: acceptance due in 2 hours, overdue after that.
ensure burning hotline "焦克路化工园区北侧空地有人露天焚烧废旧轮胎，黑烟很大" \
  --channel 12369-web --category air --urgency urgent \
  --address "焦作市中站区焦克路化工园区北侧空地" --district 410803 \
  --lat 35.2402 --lng 113.1650 --reporter-phone 13603910007
burning=$id

# 8: a 12345 order the centre took in 12 days ago and transferred only now: its clocks count
# from the centre's receipt, so it arrives with its 1-working-day acceptance overdue (12 days
# hold a working day whatever the holidays).
received=$(TZ=Asia/Shanghai date -d '12 days ago' +%Y-%m-%dT%H:%M)
ensure late-order integration "丰收路某洗车店洗车废水直接排入雨水井，路面常年泥污" \
  --channel 12345 --order-number JZ12345-DEMO-0008 --category water --urgency normal \
  --address "焦作市解放区丰收路中段路南" --district 410802 --received "$received" \
  --reporter-name 周先生 --reporter-phone 13903910008
late=$id

echo "demo complaints on $server: $created created, $steps steps taken (a re-run takes none);"
echo "complaints/$late (a 12345 order received 12 days ago) is overdue for acceptance;"
echo "complaints/$burning is urgent and not accepted yet: overdue 2 hours after it was registered"
ctl hotline complaints list | sed 's/^/  /'
