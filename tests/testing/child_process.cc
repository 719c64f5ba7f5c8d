#include "testing/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace ecocase::testing {

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args,
                           const std::vector<std::string>& env) {
  static int counter = 0;
  output_path_ = absl::StrCat(std::filesystem::temp_directory_path().string(), "/ecocase-child-",
                              getpid(), "-", counter++, ".log");
  std::vector<std::string> argv_storage = {program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(output_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    // The test process may block signals; the child starts with a clean mask.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (const auto& e : env) putenv(strdup(e.c_str()));
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::filesystem::remove(output_path_);
}

void ChildProcess::Signal(int signal_number) { kill(pid_, signal_number); }

std::string ChildProcess::Output() const {
  std::ifstream in(output_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ChildProcess::WaitForOutput(const std::string& text, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    std::string out = Output();
    if (size_t pos = out.find(text); pos != std::string::npos) {
      size_t begin = out.rfind('\n', pos);
      begin = begin == std::string::npos ? 0 : begin + 1;
      size_t end = out.find('\n', pos);
      return out.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    }
    int status = 0;
    if (!exited_ && waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (exited_) return "";
    absl::SleepFor(absl::Milliseconds(50));
  }
  return "";
}

int ChildProcess::Wait(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (!exited_ && absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return exited_ ? exit_code_ : -1;
}

int AwaitServerPort(ChildProcess& server, absl::Duration timeout) {
  std::string line = server.WaitForOutput("ecocase-server listening on", timeout);
  size_t colon = line.rfind(':');
  size_t space = line.find(' ', colon);
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(line.substr(colon + 1, space - colon - 1), &port)) {
    ADD_FAILURE() << "server did not start:\n" << server.Output();
  }
  return port;
}

}  // namespace ecocase::testing
