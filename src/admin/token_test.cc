#include "admin/token.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace kc::admin {
namespace {

TEST(AdminToken, GeneratedOnceIntoA0600FileThenReadBack) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("kcgate-admin-token-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string token = LoadOrCreateToken("", dir.string());
  EXPECT_EQ(token.size(), 64u);
  struct stat info {};
  ASSERT_EQ(::stat(TokenPath(dir.string()).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(LoadOrCreateToken("", dir.string()), token);
  EXPECT_EQ(LoadOrCreateToken("configured", dir.string()), "configured");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kc::admin
