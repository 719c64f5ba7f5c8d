// ecoctl's config dir: the credentials of `ecoctl login` and the audit checkpoints, one
// entry per server address. Files are JSON, mode 0600, in a 0700 dir, replaced
// atomically; read-modify-write happens under a lock so parallel ecoctl runs (a script
// refreshing while another signs out) do not lose each other's changes.
#pragma once

#include <string>

#include "ecoctl_store.pb.h"

namespace ecoctl {

class ConfigStore {
 public:
  // $ECOCTL_CONFIG_DIR, else $XDG_CONFIG_HOME/ecocase, else ~/.config/ecocase.
  static ConfigStore FromEnvironment();
  explicit ConfigStore(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }
  std::string credentials_path() const { return dir_ + "/credentials.json"; }
  std::string checkpoints_path() const { return dir_ + "/audit-checkpoints.json"; }

  // An exclusive lock on the dir (flock on `.lock`), created 0700 if missing. Hold it
  // from reading a file to writing it back.
  class Lock {
   public:
    explicit Lock(int fd) : fd_(fd) {}
    Lock(Lock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    ~Lock();

   private:
    int fd_;
  };
  Lock Acquire() const;

  // Empty when the file does not exist yet.
  store::Credentials ReadCredentials() const;
  store::AuditCheckpoints ReadCheckpoints() const;
  // Callers hold the Lock.
  void WriteCredentials(const store::Credentials& credentials, const Lock& lock) const;
  void WriteCheckpoints(const store::AuditCheckpoints& checkpoints, const Lock& lock) const;

 private:
  void EnsureDir() const;

  std::string dir_;
};

}  // namespace ecoctl
