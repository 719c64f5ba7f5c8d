// Moving evidence files: streaming SHA-256, media types by extension, a rate limit and the
// progress line of uploads and downloads. Pure helpers, no RPCs.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace ecoctl {

// Files are read in pieces this big: a 2 GiB video never sits in memory whole.
inline constexpr size_t kFileBufferBytes = 1 << 20;

// The SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

// Incremental SHA-256 (OpenSSL EVP) for data that arrives in pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view data);
  // The digest as 64 lower-case hex digits; the hasher is spent afterwards.
  std::string FinishHex();

 private:
  void* ctx_;  // EVP_MD_CTX, kept out of this header
};

// The SHA-256 of the file at `path`, read in kFileBufferBytes pieces. Throws CommandError
// when it cannot be read.
std::string FileSha256Hex(const std::string& path);

// image/jpeg for photo.JPG, …; application/octet-stream for an unknown extension.
std::string MediaTypeFor(const std::string& path);

// "512 B", "1.5 KiB", "3.01 MiB", "2.00 GiB".
std::string FormatBytes(int64_t bytes);

// Holds a transfer to at most `bytes_per_second` on average since it started (0: no limit).
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(int64_t bytes_per_second, Clock::time_point start = Clock::now())
      : bytes_per_second_(bytes_per_second), start_(start) {}
  // How long to wait after `bytes` more so the average stays within the limit, at `now`.
  Clock::duration DelayAfter(int64_t bytes, Clock::time_point now);
  // Counts `bytes` and sleeps for DelayAfter.
  void Pace(int64_t bytes);

 private:
  int64_t bytes_per_second_;
  Clock::time_point start_;
  int64_t bytes_ = 0;
};

// "[#####-----]  45%  1.4 MiB / 3.0 MiB  512.0 KiB/s".
std::string ProgressLine(int64_t done, int64_t total, double bytes_per_second);

// The progress of one transfer on stderr: redrawn in place on a terminal, otherwise one
// line at every 10 % (logs and tests read those).
class Progress {
 public:
  // `done` bytes are there already (a resumed upload); the rate counts from here.
  Progress(std::string label, int64_t done, int64_t total, std::FILE* out = stderr);
  void Update(int64_t done);
  // Ends the line on a terminal.
  void Finish();

 private:
  std::string label_;
  int64_t start_done_;
  int64_t total_;
  std::FILE* out_;
  bool terminal_;
  int last_decile_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

}  // namespace ecoctl
