#include "engine/command_codec.h"

#include <boost/crc.hpp>

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace kc::engine {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kHeader = 8;
constexpr std::uint32_t kMaxBody = 1 << 16;

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  template <typename T>
  void Int(T v) {
    using U = std::make_unsigned_t<T>;
    auto u = static_cast<U>(v);
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      out_->push_back(static_cast<char>(u & 0xff));
      u = static_cast<U>(u >> 8);
    }
  }
  template <typename E>
  void Enum(E e) {
    Int(static_cast<std::uint8_t>(e));
  }
  template <std::size_t N>
  void Str(const FixedString<N>& s) {
    Int(static_cast<std::uint8_t>(s.size()));
    out_->append(s.view());
  }
  void Id(const OrderId& id) {
    Int(id.seconds);
    Int(id.seq);
  }

 private:
  std::string* out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  bool Int(T* v) {
    if (in_.size() < sizeof(T)) return false;
    using U = std::make_unsigned_t<T>;
    U u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      u = static_cast<U>(u | (static_cast<U>(static_cast<unsigned char>(in_[i])) << (8 * i)));
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
};

std::uint32_t Crc(std::string_view body) {
  boost::crc_32_type crc;
  crc.process_bytes(body.data(), body.size());
  return crc.checksum();
}

}  // namespace

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
    w.Int(p->uid);
    w.Int(p->symbol);
    w.Enum(p->side);
    w.Enum(p->type);
    w.Int(p->price);
    w.Int(p->size);
    w.Int(p->funds);
    w.Enum(p->time_in_force);
    w.Int(p->cancel_after);
    w.Int(static_cast<std::uint8_t>(p->post_only));
    w.Int(static_cast<std::uint8_t>(p->hidden));
    w.Int(static_cast<std::uint8_t>(p->iceberg));
    w.Int(p->visible_size);
    w.Enum(p->stp);
    w.Str(p->client_oid);
    w.Str(p->remark);
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
  }
}

bool DecodeCommand(std::string_view body, TimedCommand* out) {
  Reader r(body);
  std::uint8_t version = 0, tag = 0;
  if (!r.Int(&version) || version != kVersion || !r.Int(&out->ts) || !r.Int(&tag)) return false;
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
      ok = r.Int(&c.uid) && r.Int(&c.symbol) && r.Enum(&c.side, 1) && r.Enum(&c.type, 1) &&
           r.Int(&c.price) && r.Int(&c.size) && r.Int(&c.funds) && r.Enum(&c.time_in_force, 3) &&
           r.Int(&c.cancel_after) && r.Bool(&c.post_only) && r.Bool(&c.hidden) &&
           r.Bool(&c.iceberg) && r.Int(&c.visible_size) && r.Enum(&c.stp, 4) &&
           r.Str(&c.client_oid) && r.Str(&c.remark);
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
  std::string header;
  Writer w(&header);
  w.Int(static_cast<std::uint32_t>(body.size()));
  w.Int(Crc(body));
  std::memcpy(out->data() + start, header.data(), kHeader);
}

ReadStatus ReadRecord(std::string_view* in, TimedCommand* out) {
  if (in->empty()) return ReadStatus::kEnd;
  Reader header(*in);
  std::uint32_t length = 0, crc = 0;
  if (!header.Int(&length) || !header.Int(&crc)) return ReadStatus::kTruncated;
  if (length == 0 || length > kMaxBody) return ReadStatus::kCorrupt;
  if (in->size() - kHeader < length) return ReadStatus::kTruncated;
  const std::string_view body = in->substr(kHeader, length);
  if (Crc(body) != crc || !DecodeCommand(body, out)) return ReadStatus::kCorrupt;
  in->remove_prefix(kHeader + length);
  return ReadStatus::kOk;
}

}  // namespace kc::engine
