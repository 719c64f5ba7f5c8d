#include "terminal.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <iostream>
#include <string_view>

#include "errors.h"

namespace ecoctl {
namespace {

// The terminal state to restore if the user interrupts the prompt.
int g_tty_fd = -1;
struct termios g_saved;

void RestoreAndReraise(int sig) {
  if (g_tty_fd >= 0) tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved);
  signal(sig, SIG_DFL);
  raise(sig);
}

void StripLineEnd(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

}  // namespace

std::string ReadPasswordFromTerminal(const std::string& prompt) {
  int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    throw CommandError(kExitUsage,
                       "no terminal to read the password from; pipe it in with --password-stdin");
  }
  struct termios off;
  if (tcgetattr(fd, &g_saved) != 0) {
    close(fd);
    throw CommandError(kExitUsage, "cannot turn off echo; use --password-stdin");
  }
  off = g_saved;
  off.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  off.c_lflag |= ECHONL;
  g_tty_fd = fd;
  struct sigaction sa {};
  sa.sa_handler = RestoreAndReraise;
  struct sigaction old_int, old_term, old_hup;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  sigaction(SIGHUP, &sa, &old_hup);
  ssize_t ignored = write(fd, prompt.data(), prompt.size());
  (void)ignored;
  tcsetattr(fd, TCSAFLUSH, &off);
  std::string password;
  char c;
  for (;;) {
    ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    password.push_back(c);
  }
  tcsetattr(fd, TCSAFLUSH, &g_saved);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  sigaction(SIGHUP, &old_hup, nullptr);
  g_tty_fd = -1;
  close(fd);
  StripLineEnd(password);
  return password;
}

std::string ReadPasswordFromStdin() {
  std::string password;
  if (!std::getline(std::cin, password) && password.empty()) {
    throw CommandError(kExitUsage, "--password-stdin: nothing on stdin");
  }
  StripLineEnd(password);
  return password;
}

std::string GeneratePassword() {
  constexpr std::string_view kAlphabet =
      "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  // Bytes at or above the largest multiple of the alphabet size are skipped: no bias.
  constexpr unsigned kLimit = 256 - 256 % kAlphabet.size();
  std::string out;
  while (out.size() < 16) {
    unsigned char b[32];
    if (RAND_bytes(b, sizeof(b)) != 1) {
      throw CommandError(kExitRpcError, "no randomness for a password (RAND_bytes failed)");
    }
    for (unsigned char x : b) {
      if (x < kLimit && out.size() < 16) out.push_back(kAlphabet[x % kAlphabet.size()]);
    }
  }
  return out;
}

}  // namespace ecoctl
