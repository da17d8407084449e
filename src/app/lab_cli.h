// `kcgate lab ...`: the test lab's admin API (issue 13) from a shell script.
// Each command is one HTTP call to the running server's admin listener; the
// address comes from <data>/admin.url (written by the server at start) or
// --admin, the token from <data>/admin.token or --token.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

namespace kc::app {

class LabCli {
 public:
  // Adds the `lab` subcommand and its commands to `cli`.
  explicit LabCli(CLI::App& cli);
  ~LabCli();
  bool parsed() const;
  // After parsing: runs the parsed command; `data_dir` when --data was not
  // given to `lab`. Returns the exit status.
  int Run(const std::string& data_dir);

 private:
  struct Options;
  std::unique_ptr<Options> options_;
};

}  // namespace kc::app
