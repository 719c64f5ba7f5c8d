// How a command ends when it does not succeed: exit codes and the errors main prints.
#pragma once

#include <stdexcept>
#include <string>

#include <grpcpp/support/status.h>

namespace ecoctl {

// Exit codes (README "Using ecoctl").
inline constexpr int kExitOk = 0;
inline constexpr int kExitRpcError = 1;
inline constexpr int kExitNotSignedIn = 2;
inline constexpr int kExitUnhealthy = 3;
inline constexpr int kExitAuditBroken = 4;
inline constexpr int kExitUsage = 64;  // EX_USAGE

// Ends the command: main prints `error: <message>` and exits with `exit_code`.
class CommandError : public std::runtime_error {
 public:
  CommandError(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// A failed RPC: main prints `error: <CODE>: <message>`, the field violations and `hint`.
class RpcError : public std::exception {
 public:
  explicit RpcError(grpc::Status status, std::string hint = "")
      : status_(std::move(status)), hint_(std::move(hint)) {}
  const grpc::Status& status() const { return status_; }
  const std::string& hint() const { return hint_; }
  const char* what() const noexcept override { return status_.error_message().c_str(); }

 private:
  grpc::Status status_;
  std::string hint_;
};

}  // namespace ecoctl
