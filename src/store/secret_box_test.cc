#include "store/secret_box.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace kc::store {
namespace {

TEST(SecretBox, SealsAndOpens) {
  auto box = SecretBox::FromHex(std::string(64, 'a'));
  ASSERT_TRUE(box);
  const std::string sealed = box->Seal("d55f8dfe-1693-4772-9a81-aa0a8c36f6e0");
  EXPECT_EQ(sealed.find("d55f8dfe"), std::string::npos);
  EXPECT_EQ(box->Open(sealed), "d55f8dfe-1693-4772-9a81-aa0a8c36f6e0");
  EXPECT_NE(box->Seal("same"), box->Seal("same")) << "nonces must differ";
}

TEST(SecretBox, DerivedKeysAreStablePerPurposeAndKey) {
  auto box = SecretBox::FromHex(std::string(64, 'a'));
  auto same = SecretBox::FromHex(std::string(64, 'a'));
  auto other = SecretBox::FromHex(std::string(64, 'b'));
  EXPECT_EQ(box->Derive("bullet"), same->Derive("bullet"));
  EXPECT_NE(box->Derive("bullet"), box->Derive("other"));
  EXPECT_NE(box->Derive("bullet"), other->Derive("bullet"));
}

TEST(SecretBox, RefusesAlteredTextAndOtherKeys) {
  auto box = SecretBox::FromHex(std::string(64, 'a'));
  auto other = SecretBox::FromHex(std::string(64, 'b'));
  std::string sealed = box->Seal("secret");
  EXPECT_FALSE(other->Open(sealed));
  sealed[5] = sealed[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box->Open(sealed));
  EXPECT_FALSE(box->Open("not base64!"));
  EXPECT_FALSE(box->Open(""));
}

TEST(SecretBox, RejectsMalformedKeys) {
  EXPECT_FALSE(SecretBox::FromHex("abc"));
  EXPECT_FALSE(SecretBox::FromHex(std::string(64, 'g')));
}

TEST(SecretBox, GeneratesAndReusesAKeyFileWithPrivateMode) {
  const auto dir = std::filesystem::temp_directory_path() / "kcgate-secret-box-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ::unsetenv("KCGATE_MASTER_KEY");
  const std::string sealed = SecretBox::Load("", dir.string()).Seal("x");
  const auto perms = std::filesystem::status(dir / "master.key").permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  EXPECT_EQ(SecretBox::Load("", dir.string()).Open(sealed), "x");
  EXPECT_THROW(SecretBox::Load("zz", dir.string()), std::runtime_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kc::store
