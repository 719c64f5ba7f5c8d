#include "domain/hj212/reassembly.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "domain/hj212/cp_values.h"

namespace ecocase::domain::hj212 {
namespace {

bool IsDataTimeGroup(const CpGroup& group) {
  return group.size() == 1 && group[0].name == "DataTime";
}

bool SameContent(const Packet& a, const Packet& b) {
  return a.cp == b.cp && a.qn == b.qn && a.flag == b.flag;
}

Packet Merge(std::map<int, Packet>& parts, std::vector<std::string>* qns) {
  Packet merged = std::move(parts.begin()->second);
  qns->push_back(merged.qn);
  for (auto it = std::next(parts.begin()); it != parts.end(); ++it) {
    Packet& part = it->second;
    qns->push_back(part.qn);
    for (CpGroup& group : part.cp_groups) {
      // Every part repeats the DataTime of the set (Table C.48): keep it once.
      if (IsDataTimeGroup(group)) continue;
      merged.cp_groups.push_back(std::move(group));
    }
    merged.backfilled = merged.backfilled || part.backfilled;
    merged.encrypted = merged.encrypted || part.encrypted;
  }
  merged.cp = FormatCp(merged.cp_groups);
  merged.pnum.reset();
  merged.pno.reset();
  merged.split = false;
  return merged;
}

}  // namespace

std::string FormatCp(const std::vector<CpGroup>& groups) {
  std::string out;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (g > 0) out.push_back(';');
    for (size_t f = 0; f < groups[g].size(); ++f) {
      if (f > 0) out.push_back(',');
      absl::StrAppend(&out, groups[g][f].name, "=", groups[g][f].value);
    }
  }
  return out;
}

Reassembler::Reassembler(ReassemblyOptions options) : options_(options) {}

ReassemblyResult Reassembler::Add(Packet part, absl::Time now) {
  ReassemblyResult result;
  if (!part.split || !part.pnum || !part.pno) {
    result.part_qns.push_back(part.qn);
    result.complete = std::move(part);
    return result;
  }
  if (*part.pno < 1 || *part.pno > *part.pnum) {
    result.rejection = {Reason::kBadPacketNumber,
                        absl::StrCat("PNO=", *part.pno, " PNUM=", *part.pnum)};
    return result;
  }
  std::optional<absl::string_view> data_time = FindCpValue(part.cp_groups, "DataTime");
  Key key{part.mn, part.cn, std::string(data_time.value_or("")), *part.pnum};
  auto it = sets_.find(key);
  const size_t size = part.cp.size();
  if (it == sets_.end()) {
    if (sets_.size() >= options_.max_sets || bytes_ + size > options_.max_bytes) {
      result.rejection = {Reason::kReassemblyFull,
                          absl::StrCat(sets_.size(), " sets, ", bytes_, " bytes held")};
      return result;
    }
    it = sets_.emplace(key, Set{now, {}, 0}).first;
  } else if (bytes_ + size > options_.max_bytes) {
    result.rejection = {Reason::kReassemblyFull, absl::StrCat(bytes_, " bytes held")};
    return result;
  }
  Set& set = it->second;
  const int pno = *part.pno;
  if (auto existing = set.parts.find(pno); existing != set.parts.end()) {
    bool same = SameContent(existing->second, part);
    result.rejection = {same ? Reason::kSubpacketDuplicate : Reason::kSubpacketConflict,
                        absl::StrCat("MN=", part.mn, " CN=", part.cn, " PNO=", pno, "/",
                                     *part.pnum)};
    return result;
  }
  set.parts.emplace(pno, std::move(part));
  set.bytes += size;
  bytes_ += size;
  if (set.parts.size() == static_cast<size_t>(std::get<3>(key))) {
    bytes_ -= set.bytes;
    result.complete = Merge(set.parts, &result.part_qns);
    sets_.erase(it);
  }
  return result;
}

std::vector<ExpiredSet> Reassembler::Expire(absl::Time now) {
  std::vector<ExpiredSet> expired;
  for (auto it = sets_.begin(); it != sets_.end();) {
    if (now - it->second.first_seen < options_.timeout) {
      ++it;
      continue;
    }
    const auto& [mn, cn, data_time, pnum] = it->first;
    ExpiredSet set{mn, cn, data_time, pnum, {}};
    for (auto& [pno, packet] : it->second.parts) set.parts.push_back(std::move(packet));
    bytes_ -= it->second.bytes;
    expired.push_back(std::move(set));
    it = sets_.erase(it);
  }
  return expired;
}

}  // namespace ecocase::domain::hj212
