#include "engine/command_codec.h"

#include <boost/crc.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace kc::engine {
namespace {

// Version 1 records carry a CRC-32 (boost, bytewise), version 2 a CRC-32C
// (one SSE4.2 instruction per 8 bytes); the field layout is the same.
constexpr std::uint8_t kVersionCrc32 = 1;
constexpr std::uint8_t kVersion = 2;
constexpr std::size_t kHeader = 8;
constexpr std::uint32_t kMaxBody = 1 << 16;
// No field encodes to more bytes than it takes in memory, plus a length or
// presence byte for strings and optionals.
constexpr std::size_t kMaxEncoded = sizeof(TimedCommand) + 64;

template <typename U>
void Store(char* p, U u) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(p, &u, sizeof(U));
  } else {
    for (std::size_t i = 0; i < sizeof(U); ++i) {
      p[i] = static_cast<char>(u & 0xff);
      u = static_cast<U>(u >> 8);
    }
  }
}

// Encodes into a buffer on the stack and appends it to `out` in one piece
// when done: a plain store per field instead of a push_back per byte.
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  ~Writer() { out_->append(buf_.data(), static_cast<std::size_t>(p_ - buf_.data())); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  template <typename T>
  void Int(T v) {
    using U = std::make_unsigned_t<T>;
    Store(p_, static_cast<U>(v));
    p_ += sizeof(T);
  }
  template <typename E>
  void Enum(E e) {
    Int(static_cast<std::uint8_t>(e));
  }
  template <std::size_t N>
  void Str(const FixedString<N>& s) {
    static_assert(N <= 255);
    Int(static_cast<std::uint8_t>(s.size()));
    std::memcpy(p_, s.view().data(), s.size());
    p_ += s.size();
  }
  void Id(const OrderId& id) {
    Int(id.seconds);
    Int(id.seq);
  }

 private:
  std::string* out_;
  std::array<char, kMaxEncoded> buf_;
  char* p_ = buf_.data();
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  bool Int(T* v) {
    if (in_.size() < sizeof(T)) return false;
    using U = std::make_unsigned_t<T>;
    U u = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&u, in_.data(), sizeof(U));
    } else {
      for (std::size_t i = 0; i < sizeof(T); ++i) {
        u = static_cast<U>(u | (static_cast<U>(static_cast<unsigned char>(in_[i])) << (8 * i)));
      }
    }
    *v = static_cast<T>(u);
    in_.remove_prefix(sizeof(T));
    return true;
  }
  template <typename E>
  bool Enum(E* e, std::uint8_t max) {
    std::uint8_t v = 0;
    if (!Int(&v) || v > max) return false;
    *e = static_cast<E>(v);
    return true;
  }
  bool Bool(bool* b) {
    std::uint8_t v = 0;
    if (!Int(&v) || v > 1) return false;
    *b = v == 1;
    return true;
  }
  template <std::size_t N>
  bool Str(FixedString<N>* s) {
    std::uint8_t n = 0;
    if (!Int(&n) || n > N || in_.size() < n) return false;
    s->Assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool Id(OrderId* id) { return Int(&id->seconds) && Int(&id->seq); }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

enum Tag : std::uint8_t {
  kDeposit = 1,
  kTransfer,
  kPlace,
  kCancel,
  kCancelByClientOid,
  kCancelAll,
  kAmend,
  kExpire,
  kReduce,
  kSetDeadCancel,
  kPlaceStop,
  kCancelStops,
  kWithdraw,
  kCancelWithdrawal,
};

void WritePlace(Writer& w, const PlaceOrder& p) {
  w.Int(p.uid);
  w.Int(p.symbol);
  w.Enum(p.side);
  w.Enum(p.type);
  w.Int(p.price);
  w.Int(p.size);
  w.Int(p.funds);
  w.Enum(p.time_in_force);
  w.Int(p.cancel_after);
  w.Int(static_cast<std::uint8_t>(p.post_only));
  w.Int(static_cast<std::uint8_t>(p.hidden));
  w.Int(static_cast<std::uint8_t>(p.iceberg));
  w.Int(p.visible_size);
  w.Enum(p.stp);
  w.Str(p.client_oid);
  w.Str(p.remark);
}

bool ReadPlace(Reader& r, PlaceOrder* c) {
  return r.Int(&c->uid) && r.Int(&c->symbol) && r.Enum(&c->side, 1) && r.Enum(&c->type, 1) &&
         r.Int(&c->price) && r.Int(&c->size) && r.Int(&c->funds) && r.Enum(&c->time_in_force, 3) &&
         r.Int(&c->cancel_after) && r.Bool(&c->post_only) && r.Bool(&c->hidden) &&
         r.Bool(&c->iceberg) && r.Int(&c->visible_size) && r.Enum(&c->stp, 4) &&
         r.Str(&c->client_oid) && r.Str(&c->remark);
}

std::uint32_t Crc32(std::string_view body) {
  boost::crc_32_type crc;
  crc.process_bytes(body.data(), body.size());
  return crc.checksum();
}

constexpr std::array<std::uint32_t, 256> Crc32cTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr auto kCrc32cTable = Crc32cTable();

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t Crc32cSse42(std::string_view data) {
  std::uint64_t crc = 0xFFFFFFFFu;
  const char* p = data.data();
  std::size_t n = data.size();
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    crc = _mm_crc32_u64(crc, word);
  }
  auto c = static_cast<std::uint32_t>(crc);
  for (; n > 0; --n, ++p) c = _mm_crc32_u8(c, static_cast<unsigned char>(*p));
  return ~c;
}
const bool kHaveSse42 = __builtin_cpu_supports("sse4.2");
#endif

}  // namespace

std::uint32_t Crc32cPortable(std::string_view data) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char ch : data)
    c = kCrc32cTable[(c ^ static_cast<unsigned char>(ch)) & 0xff] ^ (c >> 8);
  return ~c;
}

std::uint32_t Crc32c(std::string_view data) {
#if defined(__x86_64__)
  if (kHaveSse42) return Crc32cSse42(data);
#endif
  return Crc32cPortable(data);
}

void EncodeCommand(const TimedCommand& tc, std::string* out) {
  Writer w(out);
  w.Int(kVersion);
  w.Int(tc.ts);
  if (const auto* c = std::get_if<Deposit>(&tc.command)) {
    w.Int(std::uint8_t{kDeposit});
    w.Int(c->uid);
    w.Int(c->currency);
    w.Enum(c->account);
    w.Int(c->amount);
  } else if (const auto* t = std::get_if<InnerTransfer>(&tc.command)) {
    w.Int(std::uint8_t{kTransfer});
    w.Int(t->uid);
    w.Int(t->currency);
    w.Enum(t->from);
    w.Enum(t->to);
    w.Int(t->amount);
    w.Str(t->client_oid);
  } else if (const auto* p = std::get_if<PlaceOrder>(&tc.command)) {
    w.Int(std::uint8_t{kPlace});
    WritePlace(w, *p);
  } else if (const auto* x = std::get_if<CancelOrder>(&tc.command)) {
    w.Int(std::uint8_t{kCancel});
    w.Int(x->uid);
    w.Id(x->order_id);
  } else if (const auto* y = std::get_if<CancelByClientOid>(&tc.command)) {
    w.Int(std::uint8_t{kCancelByClientOid});
    w.Int(y->uid);
    w.Str(y->client_oid);
  } else if (const auto* a = std::get_if<CancelAll>(&tc.command)) {
    w.Int(std::uint8_t{kCancelAll});
    w.Int(a->uid);
    w.Int(static_cast<std::uint8_t>(a->symbol.has_value()));
    w.Int(a->symbol.value_or(0));
  } else if (const auto* m = std::get_if<AmendOrder>(&tc.command)) {
    w.Int(std::uint8_t{kAmend});
    w.Int(m->uid);
    w.Id(m->order_id);
    w.Str(m->client_oid);
    w.Int(static_cast<std::uint8_t>(m->new_price.has_value()));
    w.Int(m->new_price.value_or(0));
    w.Int(static_cast<std::uint8_t>(m->new_size.has_value()));
    w.Int(m->new_size.value_or(0));
  } else if (const auto* e = std::get_if<ExpireOrders>(&tc.command)) {
    w.Int(std::uint8_t{kExpire});
    w.Int(e->now);
  } else if (const auto* d = std::get_if<ReduceOrder>(&tc.command)) {
    w.Int(std::uint8_t{kReduce});
    w.Int(d->uid);
    w.Id(d->order_id);
    w.Int(d->symbol);
    w.Int(d->size);
  } else if (const auto* k = std::get_if<SetDeadCancel>(&tc.command)) {
    w.Int(std::uint8_t{kSetDeadCancel});
    w.Int(k->uid);
    w.Int(k->timeout);
    w.Int(k->symbol_count);
    for (std::size_t i = 0; i < k->symbol_count && i < kMaxDeadCancelSymbols; ++i) {
      w.Int(k->symbols[i]);
    }
  } else if (const auto* st = std::get_if<PlaceStopOrder>(&tc.command)) {
    w.Int(std::uint8_t{kPlaceStop});
    WritePlace(w, st->order);
    w.Enum(st->stop);
    w.Int(st->stop_price);
  } else if (const auto* cs = std::get_if<CancelStopOrders>(&tc.command)) {
    w.Int(std::uint8_t{kCancelStops});
    w.Int(cs->uid);
    w.Id(cs->order_id);
    w.Str(cs->client_oid);
    w.Int(static_cast<std::uint8_t>(cs->symbol.has_value()));
    w.Int(cs->symbol.value_or(0));
  } else if (const auto* wd = std::get_if<Withdraw>(&tc.command)) {
    w.Int(std::uint8_t{kWithdraw});
    w.Int(wd->uid);
    w.Int(wd->amount);
    w.Int(wd->fee);
    w.Int(wd->currency);
    w.Int(wd->complete_after_ms);
    w.Int(wd->chain);
    w.Enum(wd->fee_deduct);
    w.Int(static_cast<std::uint8_t>(wd->inner));
    w.Str(wd->address);
    w.Str(wd->memo);
    w.Str(wd->remark);
  } else if (const auto* cw = std::get_if<CancelWithdrawal>(&tc.command)) {
    w.Int(std::uint8_t{kCancelWithdrawal});
    w.Int(cw->uid);
    w.Id(cw->withdrawal_id);
  }
}

bool DecodeCommand(std::string_view body, TimedCommand* out) {
  Reader r(body);
  std::uint8_t version = 0, tag = 0;
  if (!r.Int(&version) || (version != kVersion && version != kVersionCrc32) || !r.Int(&out->ts) ||
      !r.Int(&tag)) {
    return false;
  }
  bool ok = false;
  switch (tag) {
    case kDeposit: {
      Deposit c;
      ok = r.Int(&c.uid) && r.Int(&c.currency) && r.Enum(&c.account, 1) && r.Int(&c.amount);
      out->command = c;
      break;
    }
    case kTransfer: {
      InnerTransfer c;
      ok = r.Int(&c.uid) && r.Int(&c.currency) && r.Enum(&c.from, 1) && r.Enum(&c.to, 1) &&
           r.Int(&c.amount) && r.Str(&c.client_oid);
      out->command = c;
      break;
    }
    case kPlace: {
      PlaceOrder c;
      ok = ReadPlace(r, &c);
      out->command = c;
      break;
    }
    case kCancel: {
      CancelOrder c;
      ok = r.Int(&c.uid) && r.Id(&c.order_id);
      out->command = c;
      break;
    }
    case kCancelByClientOid: {
      CancelByClientOid c;
      ok = r.Int(&c.uid) && r.Str(&c.client_oid);
      out->command = c;
      break;
    }
    case kCancelAll: {
      CancelAll c;
      bool has = false;
      SymbolId symbol = 0;
      ok = r.Int(&c.uid) && r.Bool(&has) && r.Int(&symbol);
      if (has) c.symbol = symbol;
      out->command = c;
      break;
    }
    case kAmend: {
      AmendOrder c;
      bool has_price = false, has_size = false;
      Units price = 0, size = 0;
      ok = r.Int(&c.uid) && r.Id(&c.order_id) && r.Str(&c.client_oid) && r.Bool(&has_price) &&
           r.Int(&price) && r.Bool(&has_size) && r.Int(&size);
      if (has_price) c.new_price = price;
      if (has_size) c.new_size = size;
      out->command = c;
      break;
    }
    case kExpire: {
      ExpireOrders c;
      ok = r.Int(&c.now);
      out->command = c;
      break;
    }
    case kReduce: {
      ReduceOrder c;
      ok = r.Int(&c.uid) && r.Id(&c.order_id) && r.Int(&c.symbol) && r.Int(&c.size);
      out->command = c;
      break;
    }
    case kSetDeadCancel: {
      SetDeadCancel c;
      ok = r.Int(&c.uid) && r.Int(&c.timeout) && r.Int(&c.symbol_count) &&
           c.symbol_count <= kMaxDeadCancelSymbols;
      for (std::size_t i = 0; ok && i < c.symbol_count; ++i) ok = r.Int(&c.symbols[i]);
      out->command = c;
      break;
    }
    case kPlaceStop: {
      PlaceStopOrder c;
      ok = ReadPlace(r, &c.order) && r.Enum(&c.stop, 1) && r.Int(&c.stop_price);
      out->command = c;
      break;
    }
    case kCancelStops: {
      CancelStopOrders c;
      bool has = false;
      SymbolId symbol = 0;
      ok = r.Int(&c.uid) && r.Id(&c.order_id) && r.Str(&c.client_oid) && r.Bool(&has) &&
           r.Int(&symbol);
      if (has) c.symbol = symbol;
      out->command = c;
      break;
    }
    case kWithdraw: {
      Withdraw c;
      ok = r.Int(&c.uid) && r.Int(&c.amount) && r.Int(&c.fee) && r.Int(&c.currency) &&
           r.Int(&c.complete_after_ms) && r.Int(&c.chain) && r.Enum(&c.fee_deduct, 2) &&
           r.Bool(&c.inner) && r.Str(&c.address) && r.Str(&c.memo) && r.Str(&c.remark);
      out->command = c;
      break;
    }
    case kCancelWithdrawal: {
      CancelWithdrawal c;
      ok = r.Int(&c.uid) && r.Id(&c.withdrawal_id);
      out->command = c;
      break;
    }
    default:
      return false;
  }
  return ok && r.done();
}

void AppendRecord(const TimedCommand& command, std::string* out) {
  const std::size_t start = out->size();
  out->append(kHeader, '\0');
  EncodeCommand(command, out);
  const std::string_view body(out->data() + start + kHeader, out->size() - start - kHeader);
  Store(out->data() + start, static_cast<std::uint32_t>(body.size()));
  Store(out->data() + start + 4, Crc32c(body));
}

ReadStatus ReadRecord(std::string_view* in, TimedCommand* out) {
  if (in->empty()) return ReadStatus::kEnd;
  Reader header(*in);
  std::uint32_t length = 0, crc = 0;
  if (!header.Int(&length) || !header.Int(&crc)) return ReadStatus::kTruncated;
  if (length == 0 || length > kMaxBody) return ReadStatus::kCorrupt;
  if (in->size() - kHeader < length) return ReadStatus::kTruncated;
  const std::string_view body = in->substr(kHeader, length);
  // The version byte picks the checksum; a damaged one fails either check.
  const auto version = static_cast<std::uint8_t>(body[0]);
  const std::uint32_t want = version == kVersion        ? Crc32c(body)
                             : version == kVersionCrc32 ? Crc32(body)
                                                        : ~crc;
  if (want != crc || !DecodeCommand(body, out)) return ReadStatus::kCorrupt;
  in->remove_prefix(kHeader + length);
  return ReadStatus::kOk;
}

}  // namespace kc::engine
