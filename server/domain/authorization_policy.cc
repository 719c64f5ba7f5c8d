#include "domain/authorization_policy.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace ecocase::domain {
namespace {

constexpr uint32_t Bit(Role role) { return 1u << static_cast<int>(role); }

constexpr uint32_t kAnyone = Bit(Role::kAdmin) | Bit(Role::kSupervisor) | Bit(Role::kOfficer) |
                             Bit(Role::kHotlineOperator) | Bit(Role::kEnterprise) |
                             Bit(Role::kStation) | Bit(Role::kIntegration);
constexpr uint32_t kAdmin = Bit(Role::kAdmin);

struct Grant {
  Action action;
  absl::string_view name;
  uint32_t roles;
};

// The one policy table (architecture §5). Refined by each capability's issue.
constexpr Grant kPolicy[] = {
    {Action::kWhoAmI, "WhoAmI", kAnyone},
    {Action::kLogout, "Logout", kAnyone},
    // User administration is the ADMIN's; supervisors and enterprises may look users up
    // within their scope (an enterprise sees its own accounts).
    {Action::kCreateUser, "CreateUser", kAdmin},
    {Action::kGetUser, "GetUser", kAdmin | Bit(Role::kSupervisor) | Bit(Role::kEnterprise)},
    {Action::kListUsers, "ListUsers", kAdmin | Bit(Role::kSupervisor) | Bit(Role::kEnterprise)},
    {Action::kUpdateUser, "UpdateUser", kAdmin},
    {Action::kDisableUser, "DisableUser", kAdmin},
    {Action::kEnableUser, "EnableUser", kAdmin},
    {Action::kResetPassword, "ResetPassword", kAdmin},
    // The audit trail is read by those who answer for the bureau's records.
    {Action::kListAuditRecords, "ListAuditRecords", kAdmin | Bit(Role::kSupervisor)},
    {Action::kVerifyAuditChain, "VerifyAuditChain", kAdmin | Bit(Role::kSupervisor)},
};

const Grant* FindGrant(Action action) {
  for (const Grant& g : kPolicy) {
    if (g.action == action) return &g;
  }
  return nullptr;
}

}  // namespace

const std::vector<Action>& AllActions() {
  static const auto* actions = [] {
    auto* v = new std::vector<Action>();
    for (const Grant& g : kPolicy) v->push_back(g.action);
    return v;
  }();
  return *actions;
}

absl::string_view ActionName(Action action) {
  const Grant* g = FindGrant(action);
  return g == nullptr ? "Unknown" : g->name;
}

bool IsAllowed(Role role, Action action) {
  const Grant* g = FindGrant(action);
  return g != nullptr && role != Role::kUnspecified && (g->roles & Bit(role)) != 0;
}

absl::Status CheckAllowed(const Principal& principal, Action action) {
  if (IsAllowed(principal.role, action)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("role ", RoleName(principal.role),
                                                  " may not ", ActionName(action)));
}

}  // namespace ecocase::domain
