#include "config_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "errors.h"
#include "google/protobuf/util/json_util.h"

namespace ecoctl {
namespace {

[[noreturn]] void Fail(const std::string& what, const std::string& path, int err) {
  throw CommandError(kExitRpcError, what + " " + path + ": " + std::strerror(err));
}

// Creates `path` and missing parents as 0700. mkdir's mode is cut by the umask, so the
// mode is set again explicitly.
void MakeDirs(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw CommandError(kExitRpcError, path + " is not a directory");
    return;
  }
  if (size_t slash = path.find_last_of('/'); slash != std::string::npos && slash > 0) {
    MakeDirs(path.substr(0, slash));
  }
  if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) Fail("cannot create", path, errno);
  if (chmod(path.c_str(), 0700) != 0) Fail("cannot set the mode of", path, errno);
}

// The file's text, or "" when it does not exist. Warns when others may read it: it
// holds tokens.
std::string ReadPrivateFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return "";
    Fail("cannot read", path, errno);
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) {
    std::cerr << "warning: " << path << " is readable by others; run `chmod 600 " << path
              << "`\n";
  }
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      Fail("cannot read", path, err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return text;
}

// Writes a temp file next to `path` (0600 whatever the umask), syncs it and renames it
// over `path`: readers see the old file or the new one, never half of one.
void WritePrivateFileAtomically(const std::string& path, const std::string& text) {
  std::string temp = path + ".XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) Fail("cannot create a temporary file for", path, errno);
  auto fail = [&](const char* what) {
    int err = errno;
    close(fd);
    unlink(temp.c_str());
    Fail(what, path, err);
  };
  if (fchmod(fd, 0600) != 0) fail("cannot set the mode of");
  for (size_t done = 0; done < text.size();) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write");
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) fail("cannot write");
  if (close(fd) != 0) {
    int err = errno;
    unlink(temp.c_str());
    Fail("cannot write", path, err);
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(temp.c_str());
    Fail("cannot replace", path, err);
  }
  // The rename itself is durable once the directory is synced.
  std::string dir = path.substr(0, path.find_last_of('/'));
  if (int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
}

template <typename Message>
Message ParseJsonFile(const std::string& path) {
  Message message;
  std::string text = ReadPrivateFile(path);
  if (text.empty()) return message;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // Files written by a newer ecoctl stay readable.
  auto status = google::protobuf::util::JsonStringToMessage(text, &message, options);
  if (!status.ok()) {
    throw CommandError(kExitRpcError, "cannot parse " + path + " (" +
                                          std::string(status.message()) +
                                          "); remove it and sign in again");
  }
  return message;
}

template <typename Message>
void WriteJsonFile(const std::string& path, const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string text;
  auto status = google::protobuf::util::MessageToJsonString(message, &text, options);
  if (!status.ok()) {
    throw CommandError(kExitRpcError, "cannot encode " + path + ": " +
                                          std::string(status.message()));
  }
  WritePrivateFileAtomically(path, text);
}

}  // namespace

ConfigStore ConfigStore::FromEnvironment() {
  auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value == nullptr ? "" : value;
  };
  if (std::string dir = env("ECOCTL_CONFIG_DIR"); !dir.empty()) return ConfigStore(dir);
  // XDG Base Directory: a relative XDG_CONFIG_HOME is invalid and ignored.
  if (std::string xdg = env("XDG_CONFIG_HOME"); !xdg.empty() && xdg[0] == '/') {
    return ConfigStore(xdg + "/ecocase");
  }
  if (std::string home = env("HOME"); !home.empty()) return ConfigStore(home + "/.config/ecocase");
  throw CommandError(kExitUsage,
                     "no config dir: set HOME, XDG_CONFIG_HOME or ECOCTL_CONFIG_DIR");
}

ConfigStore::Lock::~Lock() {
  if (fd_ >= 0) close(fd_);  // Closing releases the flock.
}

void ConfigStore::EnsureDir() const { MakeDirs(dir_); }

ConfigStore::Lock ConfigStore::Acquire() const {
  EnsureDir();
  std::string path = dir_ + "/.lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) Fail("cannot open", path, errno);
  while (flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      int err = errno;
      close(fd);
      Fail("cannot lock", path, err);
    }
  }
  return Lock(fd);
}

store::Credentials ConfigStore::ReadCredentials() const {
  return ParseJsonFile<store::Credentials>(credentials_path());
}

store::AuditCheckpoints ConfigStore::ReadCheckpoints() const {
  return ParseJsonFile<store::AuditCheckpoints>(checkpoints_path());
}

void ConfigStore::WriteCredentials(const store::Credentials& credentials, const Lock&) const {
  WriteJsonFile(credentials_path(), credentials);
}

void ConfigStore::WriteCheckpoints(const store::AuditCheckpoints& checkpoints,
                                   const Lock&) const {
  WriteJsonFile(checkpoints_path(), checkpoints);
}

}  // namespace ecoctl
