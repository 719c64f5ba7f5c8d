#include "file_transfer.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "errors.h"

namespace ecoctl {
namespace {

std::string Hex(const unsigned char* bytes, unsigned size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xF]);
  }
  return out;
}

EVP_MD_CTX* Ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(Ctx(ctx_), EVP_sha256(), nullptr) != 1) {
    throw CommandError(kExitRpcError, "SHA-256 is not available (OpenSSL EVP)");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(Ctx(ctx_)); }

void Sha256::Update(std::string_view data) {
  EVP_DigestUpdate(Ctx(ctx_), data.data(), data.size());
}

std::string Sha256::FinishHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  EVP_DigestFinal_ex(Ctx(ctx_), digest, &size);
  return Hex(digest, size);
}

std::string Sha256Hex(std::string_view data) {
  Sha256 hash;
  hash.Update(data);
  return hash.FinishHex();
}

std::string FileSha256Hex(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError(kExitUsage, "cannot read " + path);
  Sha256 hash;
  std::vector<char> buffer(kFileBufferBytes);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hash.Update(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
  }
  if (!in.eof()) throw CommandError(kExitRpcError, "error reading " + path);
  return hash.FinishHex();
}

std::string MediaTypeFor(const std::string& path) {
  static const auto* types = new std::map<std::string, std::string>{
      {"jpg", "image/jpeg"},      {"jpeg", "image/jpeg"}, {"png", "image/png"},
      {"heic", "image/heic"},     {"mp4", "video/mp4"},   {"mov", "video/quicktime"},
      {"pdf", "application/pdf"}, {"mp3", "audio/mpeg"},  {"m4a", "audio/mp4"},
      {"wav", "audio/wav"},       {"txt", "text/plain"},
  };
  std::string name = path.substr(path.find_last_of('/') + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return "application/octet-stream";
  std::string extension = name.substr(dot + 1);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto it = types->find(extension);
  return it == types->end() ? "application/octet-stream" : it->second;
}

std::string FormatBytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  char out[32];
  std::snprintf(out, sizeof(out), unit >= 1 ? "%.2f %s" : "%.1f %s", value, kUnits[unit]);
  return out;
}

RateLimiter::Clock::duration RateLimiter::DelayAfter(int64_t bytes, Clock::time_point now) {
  bytes_ += bytes;
  if (bytes_per_second_ <= 0) return Clock::duration::zero();
  // When the bytes so far may be done at the limit; wait for it if early.
  auto due = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                          static_cast<double>(bytes_) / static_cast<double>(bytes_per_second_)));
  return due > now ? due - now : Clock::duration::zero();
}

void RateLimiter::Pace(int64_t bytes) {
  auto delay = DelayAfter(bytes, Clock::now());
  if (delay > Clock::duration::zero()) std::this_thread::sleep_for(delay);
}

std::string ProgressLine(int64_t done, int64_t total, double bytes_per_second) {
  constexpr int kBarWidth = 20;
  int percent = total > 0 ? static_cast<int>(done * 100 / total) : 100;
  int filled = percent * kBarWidth / 100;
  std::string line = "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '-') + "] ";
  char pct[8];
  std::snprintf(pct, sizeof(pct), "%3d%%", percent);
  line += std::string(pct) + "  " + FormatBytes(done) + " / " + FormatBytes(total);
  if (bytes_per_second > 0) {
    line += "  " + FormatBytes(static_cast<int64_t>(bytes_per_second)) + "/s";
  }
  return line;
}

Progress::Progress(std::string label, int64_t done, int64_t total, std::FILE* out)
    : label_(std::move(label)),
      start_done_(done),
      total_(total),
      out_(out),
      terminal_(isatty(fileno(out)) == 1),
      last_decile_(total > 0 ? static_cast<int>(done * 10 / total) : 10),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::Update(int64_t done) {
  auto now = std::chrono::steady_clock::now();
  double seconds = std::chrono::duration<double>(now - start_).count();
  double rate = seconds > 0.2 ? static_cast<double>(done - start_done_) / seconds : 0;
  if (terminal_) {
    // A few redraws a second are enough to read; the last one always shows.
    if (drawn_ && done < total_ && now - last_draw_ < std::chrono::milliseconds(200)) return;
    std::fprintf(out_, "\r%s %s\033[K", label_.c_str(), ProgressLine(done, total_, rate).c_str());
    drawn_ = true;
    last_draw_ = now;
  } else {
    int decile = total_ > 0 ? static_cast<int>(done * 10 / total_) : 10;
    if (decile <= last_decile_) return;
    last_decile_ = decile;
    std::fprintf(out_, "%s %s\n", label_.c_str(), ProgressLine(done, total_, rate).c_str());
  }
  std::fflush(out_);
}

void Progress::Finish() {
  if (terminal_ && drawn_) std::fputc('\n', out_);
  drawn_ = false;
  std::fflush(out_);
}

}  // namespace ecoctl
