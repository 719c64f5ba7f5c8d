#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

#include "absl/time/time.h"

namespace ecocase::testing {

// A program run as a child process with its stdout and stderr captured in a file, for
// tests that must signal or kill a real process.
class ChildProcess final {
 public:
  // `env` entries ("NAME=value") are added to the inherited environment.
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::vector<std::string>& env = {});
  ~ChildProcess();  // SIGKILLs the child if it still runs.

  pid_t pid() const { return pid_; }
  void Signal(int signal_number);
  // Waits until the output contains `text`; returns the whole line holding it, or ""
  // after `timeout` or when the child has exited.
  std::string WaitForOutput(const std::string& text, absl::Duration timeout);
  // Waits for the child to exit; returns its exit code, 128+signal if killed, or -1 on
  // timeout.
  int Wait(absl::Duration timeout);
  std::string Output() const;

 private:
  pid_t pid_ = -1;
  std::string output_path_;
  bool exited_ = false;
  int exit_code_ = -1;
};

// For an ecocase-server child: waits for its "ecocase-server listening on host:port" line
// and returns the port; 0 (and a test failure showing the output) if none came in time.
int AwaitServerPort(ChildProcess& server, absl::Duration timeout = absl::Seconds(60));

}  // namespace ecocase::testing
