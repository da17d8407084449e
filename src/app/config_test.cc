#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace kc::app {
namespace {

TEST(Config, ExampleFileStatesTheDefaults) {
  const Config example = LoadConfig(KC_EXAMPLE_CONFIG);
  const Config defaults;
  EXPECT_EQ(example.listen, defaults.listen);
  EXPECT_EQ(example.data_dir, defaults.data_dir);
  EXPECT_EQ(example.threads, defaults.threads);
  EXPECT_EQ(example.header_limit_bytes, defaults.header_limit_bytes);
  EXPECT_EQ(example.body_limit_bytes, defaults.body_limit_bytes);
  EXPECT_EQ(example.read_timeout_ms, defaults.read_timeout_ms);
  EXPECT_EQ(example.timestamp_window_ms, defaults.timestamp_window_ms);
  EXPECT_EQ(example.master_key, defaults.master_key);
  EXPECT_EQ(example.demo_key, defaults.demo_key);
}

TEST(Config, RejectsWrongTypesWithTheKeyName) {
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-test.toml";
  std::ofstream(path) << "[auth]\ntimestamp_window_ms = \"soon\"\n";
  try {
    LoadConfig(path.string());
    FAIL() << "accepted a string window";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("auth.timestamp_window_ms"), std::string::npos);
  }
  std::ofstream(path) << "[server\n";
  EXPECT_THROW(LoadConfig(path.string()), std::runtime_error);
  std::filesystem::remove(path);
}

TEST(Config, SplitsHostAndPort) {
  auto v4 = SplitHostPort("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->first, "127.0.0.1");
  EXPECT_EQ(v4->second, 8080);
  auto v6 = SplitHostPort("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->first, "::1");
  EXPECT_FALSE(SplitHostPort("localhost"));
  EXPECT_FALSE(SplitHostPort("host:99999"));
  EXPECT_FALSE(SplitHostPort("host:"));
  EXPECT_FALSE(SplitHostPort(":80"));
}

}  // namespace
}  // namespace kc::app
