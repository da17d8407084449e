// Where accepted commands go before their effects are acknowledged. The
// engine defines the interface; store/ implements it on disk (SQLite or a
// file), MemoryJournal here serves tests and benchmarks. Called only from the
// CommandLoop's journal writer thread: Append one or more batches, then Sync
// once (group commit).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "engine/command_codec.h"
#include "engine/commands.h"

namespace kc::engine {

class Journal {
 public:
  virtual ~Journal() = default;
  // Queues the batch, in order; nothing is durable before Sync returns true.
  virtual void Append(std::span<const TimedCommand> batch) = 0;
  // Makes every appended command durable. false: they may be lost (the
  // CommandLoop then stops rather than acknowledge them).
  virtual bool Sync() = 0;
};

// Encodes into one growing buffer with the codec's framing.
class MemoryJournal final : public Journal {
 public:
  void Append(std::span<const TimedCommand> batch) override {
    for (const TimedCommand& c : batch) AppendRecord(c, &bytes_);
    records_ += batch.size();
  }
  bool Sync() override {
    ++syncs_;
    return true;
  }
  // Every command appended so far; false if the buffer does not decode.
  bool ReadAll(std::vector<TimedCommand>* out) const {
    std::string_view in = bytes_;
    TimedCommand c;
    for (;;) {
      switch (ReadRecord(&in, &c)) {
        case ReadStatus::kOk:
          out->push_back(c);
          break;
        case ReadStatus::kEnd:
          return true;
        default:
          return false;
      }
    }
  }
  const std::string& bytes() const { return bytes_; }
  std::size_t records() const { return records_; }
  std::size_t syncs() const { return syncs_; }
  void Clear() { bytes_.clear(); }

 private:
  std::string bytes_;
  std::size_t records_ = 0;
  std::size_t syncs_ = 0;
};

}  // namespace kc::engine
