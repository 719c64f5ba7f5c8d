// AuditService through the real Application: every change leaves a record, supervisors
// see their scope, and verification finds tampering (a changed, deleted or cut-off record).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "ecocase/v1/audit.grpc.pb.h"
#include "testing/test_app.h"

namespace ecocase {
namespace {

using ::ecocase::testing::TestApp;

class AuditServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = TestApp::Start("auditrpc");
    ASSERT_NE(app_, nullptr);
    audit_ = v1::AuditService::NewStub(app_->channel());
    admin_ = app_->AdminToken();
    // Three changes: two officers in two districts, and one update.
    app_->CreateUserAndLogin("off-a", v1::ROLE_OFFICER, {"410802"});
    app_->CreateUserAndLogin("off-b", v1::ROLE_OFFICER, {"410803"});
  }

  v1::VerifyAuditChainResponse Verify(const v1::AuditCheckpoint* checkpoint = nullptr) {
    v1::VerifyAuditChainRequest request;
    if (checkpoint != nullptr) *request.mutable_checkpoint() = *checkpoint;
    v1::VerifyAuditChainResponse response;
    auto ctx = TestApp::Context(admin_);
    grpc::Status s = audit_->VerifyAuditChain(ctx.get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  std::unique_ptr<TestApp> app_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::string admin_;
};

TEST_F(AuditServiceTest, EveryChangeIsRecordedNewestFirst) {
  v1::ListAuditRecordsRequest request;
  request.set_resource("users/off-b");
  v1::ListAuditRecordsResponse response;
  auto ctx = TestApp::Context(admin_);
  ASSERT_TRUE(audit_->ListAuditRecords(ctx.get(), request, &response).ok());
  ASSERT_EQ(response.records_size(), 2);  // Its creation, then its sign-in.
  EXPECT_EQ(response.records(0).action(), "Login");
  EXPECT_EQ(response.records(1).action(), "CreateUser");
  EXPECT_EQ(response.records(1).actor(), "users/admin");
  EXPECT_GT(response.records(0).sequence(), response.records(1).sequence());
  EXPECT_EQ(response.records(1).change_digest().size(), 64u);
}

TEST_F(AuditServiceTest, DistrictSupervisorSeesRecordsOfItsDistrictOnly) {
  std::string sup = app_->CreateUserAndLogin("sup-a", v1::ROLE_SUPERVISOR, {"410802"});
  v1::ListAuditRecordsRequest request;
  request.set_page_size(500);
  v1::ListAuditRecordsResponse response;
  auto ctx = TestApp::Context(sup);
  ASSERT_TRUE(audit_->ListAuditRecords(ctx.get(), request, &response).ok());
  ASSERT_GT(response.records_size(), 0);
  for (const auto& r : response.records()) {
    EXPECT_NE(r.resource(), "users/off-b") << "record of another district leaked";
  }
}

TEST_F(AuditServiceTest, IntactChainVerifiesAndACheckpointStillHolds) {
  v1::VerifyAuditChainResponse first = Verify();
  EXPECT_TRUE(first.intact()) << first.problem();
  EXPECT_GE(first.record_count(), 4);
  EXPECT_EQ(first.head().hash().size(), 64u);
  app_->CreateUserAndLogin("off-c", v1::ROLE_OFFICER, {"410804"});
  v1::VerifyAuditChainResponse second = Verify(&first.head());
  EXPECT_TRUE(second.intact()) << second.problem();
  EXPECT_GT(second.head().sequence(), first.head().sequence());
}

TEST_F(AuditServiceTest, ChangedMiddleRecordIsNamed) {
  app_->schema().Execute("UPDATE audit_log SET actor = 'users/someone-else' WHERE sequence = 2");
  v1::VerifyAuditChainResponse r = Verify();
  EXPECT_FALSE(r.intact());
  EXPECT_EQ(r.first_broken_sequence(), 2);
  EXPECT_THAT(r.problem(), ::testing::HasSubstr("record 2 was changed"));
}

TEST_F(AuditServiceTest, DeletedMiddleRecordIsNamed) {
  app_->schema().Execute("DELETE FROM audit_log WHERE sequence = 2");
  v1::VerifyAuditChainResponse r = Verify();
  EXPECT_FALSE(r.intact());
  EXPECT_EQ(r.first_broken_sequence(), 2);
}

TEST_F(AuditServiceTest, DeletedLastRecordIsFoundEvenWhenTheHeadIsRewritten) {
  v1::VerifyAuditChainResponse before = Verify();
  ASSERT_TRUE(before.intact());
  int64_t last = before.head().sequence();
  app_->schema().Execute(absl::StrCat("DELETE FROM audit_log WHERE sequence = ", last));
  EXPECT_FALSE(Verify().intact());  // The head row still says `last`.
  // A careful forger also rewinds the head: only the checkpoint kept outside catches it.
  app_->schema().Execute(absl::StrCat(
      "UPDATE audit_head h JOIN audit_log l ON l.sequence = ", last - 1,
      " SET h.sequence = l.sequence, h.hash = l.hash WHERE h.id = 1"));
  EXPECT_TRUE(Verify().intact());
  v1::VerifyAuditChainResponse with_checkpoint = Verify(&before.head());
  EXPECT_FALSE(with_checkpoint.intact());
  EXPECT_EQ(with_checkpoint.first_broken_sequence(), last);
}

TEST_F(AuditServiceTest, MalformedCheckpointIsInvalidArgument) {
  v1::VerifyAuditChainRequest request;
  request.mutable_checkpoint()->set_sequence(3);
  request.mutable_checkpoint()->set_hash("not-a-hash");
  v1::VerifyAuditChainResponse response;
  auto ctx = TestApp::Context(admin_);
  grpc::Status s = audit_->VerifyAuditChain(ctx.get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("checkpoint.hash"));
}

}  // namespace
}  // namespace ecocase
