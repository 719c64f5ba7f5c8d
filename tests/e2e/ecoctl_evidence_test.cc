// Evidence and inspection records (issue 10) with the real server and the real ecoctl over
// TLS: two officers draft an on-site inspection record; one uploads a 3 MiB photo to it,
// interrupted after 1 MiB (the hidden --stop-after flag, an interruption at a known point)
// and resumed by running the same command again; the download is byte for byte the file;
// the photo is attached, one officer signs (still a draft), the other signs with the
// party's signature (signed, immutable), and the rendered text names both certificates.
#include <cstdio>
#include <random>
#include <regex>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ecoctl_fixture.h"

namespace ecocase {
namespace {

using ::testing::HasSubstr;

constexpr char kPassword[] = "e2e-staff-Passw0rd";
constexpr int64_t kPhotoBytes = (3 << 20) + 12345;  // Not a whole number of chunks.

std::string Capture(const std::string& text, const std::string& pattern) {
  std::smatch m;
  std::regex re(pattern);
  return std::regex_search(text, m, re) ? m[1].str() : "";
}

// "2026-12-06 09:30", Beijing, `ago` before now.
std::string BeijingMinute(absl::Duration ago) {
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::Now() - ago, absl::FixedTimeZone(8 * 3600));
}

// The SHA-256 of a file by sha256sum, independent of ecoctl's own hashing.
std::string Sha256sum(const std::string& path) {
  std::string command = "sha256sum '" + path + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  char digest[65] = {};
  size_t n = fread(digest, 1, 64, pipe);
  pclose(pipe);
  return n == 64 ? std::string(digest, 64) : "";
}

class EcoctlEvidenceTest : public EcoctlTest {
 protected:
  // Without a blob store the server refuses uploads.
  std::vector<std::string> ExtraServerFlags() const override {
    return {"--evidence_dir=" + base_dir_ + "/evidence"};
  }

  // admin creates two officers of 410802 with certificates; both sign in.
  void SetUpPeople() {
    Login("admin", "admin", kAdminPassword);
    CreateOfficer("admin", "officer", kPassword);  // 豫环执410802001
    Result lisi =
        Ecoctl("admin",
               {"users", "create", "--username", "lisi", "--display-name", "李四", "--role",
                "officer", "--district", "410802", "--cert-number", "豫环执410802002",
                "--cert-from", "2026-01-01", "--cert-until", "2028-12-31", "--password-stdin"},
               kPassword);
    ASSERT_EQ(lisi.code, 0) << lisi.output;
    Login("officer", "officer", kPassword);
    Login("lisi", "lisi", kPassword);
  }

  // Random bytes, so that no chunk hashes like another.
  std::string WritePhoto() {
    std::string path = base_dir_ + "/排污口.jpg";
    std::string bytes(kPhotoBytes, '\0');
    std::mt19937 random(20261206);
    for (char& b : bytes) b = static_cast<char>(random() & 0xFF);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
};

TEST_F(EcoctlEvidenceTest, ResumedUploadAttachedToARecordTwoOfficersSign) {
  SetUpPeople();

  // The record, drafted on site by both officers.
  Result drafted = Ecoctl("officer", {"inspections", "record",
                                      "--kind",      "on-site",
                                      "--party",     "焦作示范水务有限公司",
                                      "--present",   "王建国",
                                      "--title",     "厂长",
                                      "--place",     "焦作市解放区示范路1号 总排口",
                                      "--district",  "410802",
                                      "--start",     BeijingMinute(absl::Hours(2)),
                                      "--end",       BeijingMinute(absl::Hours(1)),
                                      "--officer",   "officer",
                                      "--officer",   "lisi",
                                      "--findings",  "总排口旁发现一根暗管，正在排放浑浊污水"});
  ASSERT_EQ(drafted.code, 0) << drafted.output;
  std::string record = Capture(drafted.output, "inspections/(\\d+)");
  ASSERT_FALSE(record.empty()) << drafted.output;
  EXPECT_THAT(drafted.output, HasSubstr("draft 草稿"));
  EXPECT_THAT(drafted.output, HasSubstr("豫环执410802002"));

  // The upload stops after 1 MiB of 256 KiB chunks, as a dropped connection would.
  std::string photo = WritePhoto();
  std::string sha256 = Sha256sum(photo);
  ASSERT_EQ(sha256.size(), 64u);
  std::vector<std::string> upload = {"evidence",
                                     "upload",
                                     photo,
                                     "--parent",
                                     "inspections/" + record,
                                     "--kind",
                                     "audio_visual",
                                     "--officer",
                                     "officer",
                                     "--officer",
                                     "lisi",
                                     "--description",
                                     "总排口暗管排放照片",
                                     "--chunk-size",
                                     "262144"};
  std::vector<std::string> interrupted = upload;
  interrupted.push_back("--stop-after");
  interrupted.push_back("1048576");
  Result stopped = Ecoctl("officer", interrupted);
  EXPECT_EQ(stopped.code, 1) << stopped.output;
  std::string item = Capture(stopped.output, "stopped (evidence/\\d+)");
  ASSERT_FALSE(item.empty()) << stopped.output;
  Result status = Ecoctl("officer", {"evidence", "status", item});
  ASSERT_EQ(status.code, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("1048576 字节"));
  EXPECT_THAT(status.output, HasSubstr("no 未完成"));

  // The same command again resumes where the server's bytes end.
  Result resumed = Ecoctl("officer", upload);
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  EXPECT_THAT(resumed.output, HasSubstr("从 1.00 MiB (1048576 字节) 处续传 " + item));
  EXPECT_THAT(resumed.output, HasSubstr("上传完成 " + item));
  EXPECT_THAT(resumed.output, HasSubstr("100%"));  // Progress lines: stderr is no terminal.
  EXPECT_THAT(LineWith(resumed.output, "state 状态"), HasSubstr("STORED 已保存"));
  EXPECT_THAT(LineWith(resumed.output, "sha256"), HasSubstr(sha256)) << resumed.output;
  EXPECT_THAT(resumed.output, HasSubstr(std::to_string(kPhotoBytes) + " 字节"));
  // And once more: nothing left to send.
  Result again = Ecoctl("officer", upload);
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("已上传 " + item));

  // The download is the file; an existing file is kept unless --force.
  std::string copy = base_dir_ + "/copy.jpg";
  Result got = Ecoctl("lisi", {"evidence", "get", item, "-o", copy});
  ASSERT_EQ(got.code, 0) << got.output;
  EXPECT_THAT(got.output, HasSubstr("SHA-256 校验一致"));
  EXPECT_EQ(ReadFile(copy), ReadFile(photo));
  EXPECT_FALSE(std::filesystem::exists(copy + ".part"));
  Result kept = Ecoctl("lisi", {"evidence", "get", item, "-o", copy});
  EXPECT_EQ(kept.code, 64) << kept.output;
  EXPECT_THAT(kept.output, HasSubstr("--force"));
  Result listed = Ecoctl("lisi", {"evidence", "list", "--parent", "inspections/" + record});
  ASSERT_EQ(listed.code, 0) << listed.output;
  EXPECT_THAT(listed.output, HasSubstr("1 item\n"));
  EXPECT_THAT(LineWith(listed.output, "排污口.jpg"), HasSubstr("AUDIO_VISUAL")) << listed.output;

  // Attached, then signed by one officer: still a draft waiting for the other.
  Result attached = Ecoctl("officer", {"inspections", "attach", record, item});
  ASSERT_EQ(attached.code, 0) << attached.output;
  EXPECT_THAT(attached.output, HasSubstr("attached " + item + " to inspections/" + record));
  Result first = Ecoctl("officer", {"inspection", "sign", record});
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("draft 草稿"));
  EXPECT_THAT(first.output, HasSubstr("待签名: lisi"));
  // The last officer without the party's part is refused.
  Result missing = Ecoctl("lisi", {"inspections", "sign", record});
  EXPECT_EQ(missing.code, 1) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("INSPECTION_PARTY_SIGNATURE"));
  Result last = Ecoctl("lisi", {"inspections", "sign", record, "--party-signed", "王建国"});
  ASSERT_EQ(last.code, 0) << last.output;
  EXPECT_THAT(last.output, HasSubstr("signed 已签署"));

  // Immutable once signed; the text for the case file names both certificates.
  Result changed = Ecoctl("officer", {"inspections", "update", record, "--place", "别处"});
  EXPECT_EQ(changed.code, 1) << changed.output;
  EXPECT_THAT(changed.output, HasSubstr("INSPECTION_SIGNED"));
  Result rendered = Ecoctl("officer", {"inspections", "render", record});
  ASSERT_EQ(rendered.code, 0) << rendered.output;
  EXPECT_THAT(rendered.output, HasSubstr("豫环执410802001"));
  EXPECT_THAT(rendered.output, HasSubstr("豫环执410802002"));
  EXPECT_THAT(rendered.output, HasSubstr("王建国"));
  Result signed_list = Ecoctl("lisi", {"inspections", "list", "--state", "signed"});
  ASSERT_EQ(signed_list.code, 0) << signed_list.output;
  EXPECT_THAT(signed_list.output, HasSubstr("1 record\n"));
}

}  // namespace
}  // namespace ecocase
