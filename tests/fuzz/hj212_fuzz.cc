// libFuzzer target for the HJ 212 codec: FrameReader, Decode under several profiles, the
// encoder and the reassembler. Besides "no crash, no sanitizer report" it checks:
//  - chunking: the same bytes in chunks (sizes taken from the input) give the same events;
//  - round trip: an accepted packet, encoded again, decodes to an Equivalent packet;
//  - answers: every answer frame is sound (CheckFrame finds nothing) and decodes.
// A violated property calls __builtin_trap(), which libFuzzer reports as a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/hj212/decryptor.h"
#include "domain/hj212/encoder.h"
#include "domain/hj212/frame.h"
#include "domain/hj212/packet.h"
#include "domain/hj212/reassembly.h"
#include "domain/hj212/segment.h"

namespace {

using namespace ecocase::domain::hj212;  // NOLINT(build/namespaces): a fuzz driver

// Stands in for SM4 (the codec is fuzzed without OpenSSL): a keyed, position-dependent XOR
// on whole blocks is a bijection, which is all the decoder relies on.
class XorCipher final : public CpDecryptor {
 public:
  absl::StatusOr<std::string> DecryptCp(absl::string_view in, const Sm4Key& key) const override {
    return Apply(in, key);
  }
  absl::StatusOr<std::string> EncryptCp(absl::string_view in, const Sm4Key& key) const override {
    return Apply(in, key);
  }

 private:
  static absl::StatusOr<std::string> Apply(absl::string_view in, const Sm4Key& key) {
    if (in.size() % 16 != 0) return absl::InvalidArgumentError("not whole blocks");
    std::string out(in);
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = static_cast<char>(out[i] ^ key[i % 16] ^ static_cast<char>(i * 31));
    }
    return out;
  }
};

void Check(bool property) {
  if (!property) __builtin_trap();
}

std::string Summary(const FrameEvent& e) {
  return e.ok() ? absl::StrCat("F", e.frame.offset, ":", e.frame.data, e.frame.crc_field,
                               static_cast<int>(e.frame.terminator), e.frame.length_counts_chars)
                : absl::StrCat("R", static_cast<int>(e.rejection.reason), "@", e.frame.offset,
                               e.rejection.detail);
}

std::vector<FrameEvent> ReadWhole(absl::string_view input, FrameReaderOptions options) {
  FrameReader reader(options);
  reader.Append(input);
  reader.Finish();
  std::vector<FrameEvent> events;
  while (auto e = reader.Next()) events.push_back(*std::move(e));
  return events;
}

std::vector<FrameEvent> ReadChunked(absl::string_view input, FrameReaderOptions options) {
  FrameReader reader(options);
  std::vector<FrameEvent> events;
  size_t at = 0;
  size_t salt = 0;
  while (at < input.size()) {
    // Chunk sizes 1..16 taken from the input itself, so the fuzzer steers them too.
    size_t chunk = 1 + (static_cast<unsigned char>(input[salt++ % input.size()]) & 0x0F);
    reader.Append(input.substr(at, chunk));
    at += chunk;
    while (auto e = reader.Next()) events.push_back(*std::move(e));
  }
  reader.Finish();
  while (auto e = reader.Next()) events.push_back(*std::move(e));
  return events;
}

struct ProfileCase {
  DeviceProfile profile;
  FrameReaderOptions reader;
};

std::vector<ProfileCase> Profiles() {
  Sm4Key key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(0x30 + i);
  std::vector<ProfileCase> cases;
  DeviceProfile strict2017;
  cases.push_back({strict2017, FrameReaderOptions{}});
  DeviceProfile lenient2005;
  lenient2005.version = ProtocolVersion::k2005;
  lenient2005.strictness = Strictness::kLenient;
  lenient2005.crc_mode = CrcMode::kHj212OrModbus;
  cases.push_back({lenient2005, FrameReaderOptions::Lenient()});
  DeviceProfile lenient2017 = lenient2005;
  lenient2017.version = ProtocolVersion::k2017;
  lenient2017.crc_mode = CrcMode::kHj212;
  cases.push_back({lenient2017, FrameReaderOptions::Lenient()});
  DeviceProfile strict2025;
  strict2025.version = ProtocolVersion::k2025;
  strict2025.encryption = CpEncryption::kRequired;
  strict2025.sm4_keys = {key};
  cases.push_back({strict2025, FrameReaderOptions{}});
  DeviceProfile lenient2025 = strict2025;
  lenient2025.strictness = Strictness::kLenient;
  lenient2025.sm4_keys.insert(lenient2025.sm4_keys.begin(), Sm4Key{});  // rotation: 2 keys
  cases.push_back({lenient2025, FrameReaderOptions::Lenient()});
  return cases;
}

void RoundTrip(const Packet& packet, const ProfileCase& c, const CpDecryptor& cipher) {
  EncodeOptions options;
  options.crc_variant = packet.crc_variant;
  if (packet.encrypted) {
    options.cipher = &cipher;
    options.key = &c.profile.sm4_keys[packet.key_index];
  }
  absl::StatusOr<std::string> frame = EncodePacket(packet, options);
  // A lenient packet written canonically may outgrow the limit (an added ';'): not a bug.
  if (!frame.ok() || frame->size() - 12 > c.profile.max_data_length()) return;
  std::vector<FrameEvent> events = ReadWhole(*frame, c.reader);
  Check(events.size() == 1 && events[0].ok());
  DecodeResult again = Decode(events[0].frame, c.profile, &cipher);
  // Ciphertext that reads as text AND whose CRC collides (1/256) looks like a plaintext
  // frame: an ambiguity of the protocol, not of the codec.
  if (again.rejection.reason == Reason::kNotEncrypted) return;
  Check(again.ok());
  // Likewise an earlier key whose output reads as text with a colliding CRC (the stand-in
  // cipher makes that far likelier than SM4 does).
  if (again.packet.key_index != packet.key_index) return;
  Check(Equivalent(packet, again.packet));
}

// Re-sends an accepted plaintext packet as a 2025 device would, SM4 (here: the stand-in)
// over the CP area, so the decrypt-then-CRC path sees frames with sound CRCs.
void AsEncrypted2025(const Packet& packet, const ProfileCase& c2025, const CpDecryptor& cipher) {
  // A lenient profile may have let a non-text CP through; decrypted, it could not pass.
  if (!IsPlainText(packet.cp)) return;
  Packet p = packet;
  p.version = ProtocolVersion::k2025;
  p.flag = EncodeFlag(ProtocolVersion::k2025, p.flag_bits.split, p.flag_bits.ack);
  p.flag_bits = DecodeFlag(*p.flag);
  p.encrypted = IsEncryptedCn(p.cn) && p.cp.size() >= 16;
  p.key_index = c2025.profile.sm4_keys.size() - 1;
  EncodeOptions options;
  if (p.encrypted) {
    options.cipher = &cipher;
    options.key = &c2025.profile.sm4_keys[p.key_index];
  }
  absl::StatusOr<std::string> frame = EncodePacket(p, options);
  if (!frame.ok() || frame->size() - 12 > c2025.profile.max_data_length()) return;
  std::vector<FrameEvent> events = ReadWhole(*frame, c2025.reader);
  Check(events.size() == 1 && events[0].ok());
  DecodeResult again = Decode(events[0].frame, c2025.profile, &cipher);
  if (again.rejection.reason == Reason::kNotEncrypted) return;  // see RoundTrip
  Check(again.ok());
  if (again.packet.key_index != p.key_index) return;
  Check(Equivalent(p, again.packet));
}

void Answers(const Packet& packet, const ProfileCase& c) {
  std::optional<Packet> answer = AnswerFor(packet, c.profile.version);
  if (!answer) return;
  absl::StatusOr<std::string> frame = EncodePacket(*answer);
  if (!frame.ok()) return;
  Check(CheckFrame(*frame).findings.empty());
  DeviceProfile lenient = c.profile;
  lenient.strictness = Strictness::kLenient;
  std::vector<FrameEvent> events = ReadWhole(*frame, FrameReaderOptions::Lenient());
  Check(events.size() == 1 && events[0].ok());
  Check(Decode(events[0].frame, lenient, nullptr).ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<ProfileCase>* const kProfiles = new std::vector<ProfileCase>(Profiles());
  static const XorCipher kCipher;
  absl::string_view input(reinterpret_cast<const char*>(data), size);

  (void)CheckFrame(input);
  for (const FrameReaderOptions& options : {FrameReaderOptions{}, FrameReaderOptions::Lenient()}) {
    std::vector<FrameEvent> whole = ReadWhole(input, options);
    std::vector<FrameEvent> chunked = ReadChunked(input, options);
    Check(whole.size() == chunked.size());
    for (size_t i = 0; i < whole.size(); ++i) Check(Summary(whole[i]) == Summary(chunked[i]));
  }

  for (const ProfileCase& c : *kProfiles) {
    Reassembler reassembler(ReassemblyOptions{absl::Seconds(5), 4, 4096});
    absl::Time now = absl::UnixEpoch();
    for (const FrameEvent& event : ReadWhole(input, c.reader)) {
      if (!event.ok()) continue;
      (void)PeekHeader(event.frame);
      DecodeResult result = Decode(event.frame, c.profile, &kCipher);
      if (!result.ok()) continue;
      RoundTrip(result.packet, c, kCipher);
      if (c.profile.lenient() && c.profile.encryption == CpEncryption::kNone &&
          !result.packet.encrypted) {
        AsEncrypted2025(result.packet, kProfiles->back(), kCipher);
      }
      Answers(result.packet, c);
      now += absl::Seconds(2);
      (void)reassembler.Add(result.packet, now);
      (void)reassembler.Expire(now);
    }
  }
  return 0;
}
