#include "admin/token.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kc::admin {
namespace {

std::string Trim(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("admin token: no randomness");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

std::string TokenPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "admin.token").string();
}

std::string LoadOrCreateToken(const std::string& configured, const std::string& data_dir) {
  if (!configured.empty()) return configured;
  const std::string path = TokenPath(data_dir);
  if (std::ifstream in(path); in) {
    std::stringstream text;
    text << in.rdbuf();
    std::string token = Trim(text.str());
    if (token.empty()) throw std::runtime_error(path + " is empty");
    return token;
  }
  std::filesystem::create_directories(data_dir);
  const std::string token = RandomHex(32);
  // O_EXCL: two servers starting on one data dir never overwrite each other.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return LoadOrCreateToken(configured, data_dir);
    throw std::runtime_error(path + ": " + std::strerror(errno));
  }
  const std::string line = token + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) throw std::runtime_error(path + ": write failed");
  return token;
}

void WriteAdminUrl(const std::string& data_dir, const std::string& url) {
  const auto path = std::filesystem::path(data_dir) / "admin.url";
  std::ofstream(path) << url << "\n";
}

std::string ReadAdminUrl(const std::string& data_dir) {
  std::ifstream in(std::filesystem::path(data_dir) / "admin.url");
  std::string line;
  std::getline(in, line);
  return Trim(line);
}

}  // namespace kc::admin
