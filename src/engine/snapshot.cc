#include "engine/snapshot.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "engine/command_codec.h"
#include "engine/exchange.h"

namespace kc::engine {
namespace {

constexpr char kMagic[4] = {'K', 'C', 'S', 'N'};
constexpr std::size_t kHeaderSize = 4 + 4 + 8 + 4;

// CRC-32 (the same as the journal's boost::crc_32_type), by zlib: states
// reach 100 MB and a restart should not spend its time checksumming.
std::uint32_t Crc(std::string_view body) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* p = reinterpret_cast<const Bytef*>(body.data());
  std::size_t n = body.size();
  while (n > 0) {  // zlib takes uInt lengths
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

std::uint64_t Mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdull;
}

std::uint64_t MixText(std::uint64_t h, std::string_view text) {
  h = Mix(h, text.size());
  for (char c : text) h = Mix(h, static_cast<unsigned char>(c));
  return h;
}

// What a snapshot's state refers to: currencies (and their scales) and
// symbols by position. Fees, increments and limits may change between runs.
std::uint64_t MarketsFingerprint(const MarketConfig& markets) {
  std::uint64_t h = 0;
  for (const CurrencySpec& c : markets.currencies) {
    h = MixText(h, c.currency);
    h = Mix(h, static_cast<std::uint64_t>(c.precision));
  }
  for (const SymbolSpec& s : markets.symbols) {
    h = MixText(h, s.symbol);
    h = Mix(h, s.base);
    h = Mix(h, s.quote);
  }
  return h;
}

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  void U8(std::uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void U32(std::uint32_t v) { Le(v); }
  void U64(std::uint64_t v) { Le(v); }
  void I64(std::int64_t v) { U64(static_cast<std::uint64_t>(v)); }
  void Bool(bool v) { U8(v ? 1 : 0); }
  template <typename E>
  void Enum(E e) {
    U8(static_cast<std::uint8_t>(e));
  }
  template <std::size_t N>
  void Fixed(const FixedString<N>& s) {
    U8(static_cast<std::uint8_t>(s.size()));
    out_->append(s.view());
  }
  void Id(const OrderId& id) {
    U32(id.seconds);
    U64(id.seq);
  }
  void Bytes(std::string_view b) {
    U32(static_cast<std::uint32_t>(b.size()));
    out_->append(b);
  }

 private:
  template <typename T>
  void Le(T v) {
    char bytes[sizeof(T)];
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(bytes, &v, sizeof(T));
    } else {
      for (std::size_t i = 0; i < sizeof(T); ++i)
        bytes[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
    out_->append(bytes, sizeof(T));
  }

  std::string* out_;
};

// Reads fail soft: after the first failure every read returns zero and ok()
// stays false, so a decoder checks once per structure rather than per field.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  void Fail(const char* what) {
    if (ok_) what_ = what;
    ok_ = false;
  }
  const char* what() const { return what_; }
  std::size_t remaining() const { return in_.size(); }

  std::uint8_t U8() {
    const char* p = Take(1);
    return p ? static_cast<std::uint8_t>(*p) : 0;
  }
  std::uint32_t U32() {
    const char* p = Take(4);
    std::uint32_t v = 0;
    if (p && std::endian::native == std::endian::little) {
      std::memcpy(&v, p, 4);
    } else if (p) {
      for (int i = 0; i < 4; ++i)
        v |= static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    }
    return v;
  }
  std::uint64_t U64() {
    const char* p = Take(8);
    std::uint64_t v = 0;
    if (p && std::endian::native == std::endian::little) {
      std::memcpy(&v, p, 8);
    } else if (p) {
      for (int i = 0; i < 8; ++i)
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    }
    return v;
  }
  std::int64_t I64() { return static_cast<std::int64_t>(U64()); }
  bool Bool() {
    const std::uint8_t v = U8();
    if (v > 1) Fail("a flag is neither 0 nor 1");
    return v == 1;
  }
  template <typename E>
  E Enum(std::uint8_t max) {
    const std::uint8_t v = U8();
    if (v > max) {
      Fail("an enum value is out of range");
      return E{};
    }
    return static_cast<E>(v);
  }
  template <std::size_t N>
  void Fixed(FixedString<N>* s) {
    const std::uint8_t n = U8();
    if (n > N) {
      Fail("a string is too long");
      return;
    }
    const char* p = Take(n);
    if (p) s->Assign(std::string_view(p, n));
  }
  OrderId Id() {
    OrderId id;
    id.seconds = U32();
    id.seq = U64();
    return id;
  }
  std::string_view Bytes() {
    const std::uint32_t n = U32();
    const char* p = Take(n);
    return p ? std::string_view(p, n) : std::string_view();
  }
  // A count of items that take at least `min_bytes` each: never more than the
  // bytes left could hold, so garbage cannot make the decoder allocate much.
  std::size_t Count(std::size_t min_bytes) {
    const std::uint64_t n = U64();
    if (n > remaining() / min_bytes) {
      Fail("a count exceeds the bytes left");
      return 0;
    }
    return static_cast<std::size_t>(n);
  }

 private:
  const char* Take(std::size_t n) {
    if (!ok_) return nullptr;
    if (in_.size() < n) {
      Fail("the snapshot ends early");
      return nullptr;
    }
    const char* p = in_.data();
    in_.remove_prefix(n);
    return p;
  }

  std::string_view in_;
  bool ok_ = true;
  const char* what_ = "";
};

void PutOrder(Writer& w, const Order& o) {
  w.Id(o.id);
  w.U64(o.uid);
  w.U32(o.symbol);
  w.Enum(o.side);
  w.Enum(o.type);
  w.Enum(o.time_in_force);
  w.Enum(o.stp);
  w.Bool(o.post_only);
  w.Bool(o.hidden);
  w.Bool(o.iceberg);
  w.Enum(o.status);
  w.Bool(o.canceled);
  for (Units v : {o.price, o.size, o.funds, o.visible_size, o.deal_size, o.deal_funds, o.fee,
                  o.canceled_size, o.canceled_funds, o.display, o.hold}) {
    w.I64(v);
  }
  w.I64(o.created_at);
  w.I64(o.updated_at);
  w.I64(o.expire_at);
  w.I64(o.cancel_after);
  w.Fixed(o.client_oid);
  w.Fixed(o.remark);
  w.U32(o.prev);
  w.U32(o.next);
  w.U32(o.user_prev);
  w.U32(o.user_next);
}
constexpr std::size_t kMinOrderBytes = 12 + 8 + 4 + 9 + 11 * 8 + 4 * 8 + 2 + 16;

void GetOrder(Reader& r, Order* o) {
  o->id = r.Id();
  o->uid = r.U64();
  o->symbol = r.U32();
  o->side = r.Enum<Side>(1);
  o->type = r.Enum<OrderType>(1);
  o->time_in_force = r.Enum<TimeInForce>(3);
  o->stp = r.Enum<Stp>(4);
  o->post_only = r.Bool();
  o->hidden = r.Bool();
  o->iceberg = r.Bool();
  o->status = r.Enum<OrderStatus>(2);
  o->canceled = r.Bool();
  for (Units* v : {&o->price, &o->size, &o->funds, &o->visible_size, &o->deal_size, &o->deal_funds,
                   &o->fee, &o->canceled_size, &o->canceled_funds, &o->display, &o->hold}) {
    *v = r.I64();
  }
  o->created_at = r.I64();
  o->updated_at = r.I64();
  o->expire_at = r.I64();
  o->cancel_after = r.I64();
  r.Fixed(&o->client_oid);
  r.Fixed(&o->remark);
  o->prev = r.U32();
  o->next = r.U32();
  o->user_prev = r.U32();
  o->user_next = r.U32();
}

void PutFill(Writer& w, const Fill& f) {
  w.U64(f.id);
  w.U64(f.trade_id);
  w.U64(f.uid);
  w.U32(f.symbol);
  w.Id(f.order_id);
  w.Id(f.counter_order_id);
  w.Enum(f.side);
  w.Enum(f.liquidity);
  w.Enum(f.order_type);
  for (Units v : {f.price, f.size, f.funds, f.fee}) w.I64(v);
  w.I64(f.fee_rate);
  w.I64(f.created_at);
}
constexpr std::size_t kMinFillBytes = 3 * 8 + 4 + 2 * 12 + 3 + 6 * 8;

void GetFill(Reader& r, Fill* f) {
  f->id = r.U64();
  f->trade_id = r.U64();
  f->uid = r.U64();
  f->symbol = r.U32();
  f->order_id = r.Id();
  f->counter_order_id = r.Id();
  f->side = r.Enum<Side>(1);
  f->liquidity = r.Enum<Liquidity>(1);
  f->order_type = r.Enum<OrderType>(1);
  for (Units* v : {&f->price, &f->size, &f->funds, &f->fee}) *v = r.I64();
  f->fee_rate = r.I64();
  f->created_at = r.I64();
}

void PutLedger(Writer& w, const LedgerEntry& e) {
  w.Id(e.id);
  w.U64(e.uid);
  w.U32(e.currency);
  w.Enum(e.account_type);
  w.I64(e.amount);
  w.I64(e.fee);
  w.I64(e.balance);
  w.Enum(e.biz_type);
  w.Enum(e.direction);
  w.I64(e.created_at);
  w.Bool(e.has_trade);
  w.U32(e.symbol);
  w.Id(e.order_id);
  w.U64(e.trade_id);
}
constexpr std::size_t kMinLedgerBytes = 12 + 8 + 4 + 1 + 3 * 8 + 2 + 8 + 1 + 4 + 12 + 8;

void GetLedger(Reader& r, LedgerEntry* e) {
  e->id = r.Id();
  e->uid = r.U64();
  e->currency = r.U32();
  e->account_type = r.Enum<AccountType>(1);
  e->amount = r.I64();
  e->fee = r.I64();
  e->balance = r.I64();
  e->biz_type = r.Enum<BizType>(3);
  e->direction = r.Enum<Direction>(1);
  e->created_at = r.I64();
  e->has_trade = r.Bool();
  e->symbol = r.U32();
  e->order_id = r.Id();
  e->trade_id = r.U64();
}

void PutDeposit(Writer& w, const DepositRecord& d) {
  w.Id(d.id);
  w.U64(d.uid);
  w.U32(d.currency);
  w.Enum(d.account);
  w.I64(d.amount);
  w.I64(d.created_at);
}
constexpr std::size_t kMinDepositBytes = 12 + 8 + 4 + 1 + 2 * 8;

void GetDeposit(Reader& r, DepositRecord* d) {
  d->id = r.Id();
  d->uid = r.U64();
  d->currency = r.U32();
  d->account = r.Enum<AccountType>(1);
  d->amount = r.I64();
  d->created_at = r.I64();
}

void PutWithdrawal(Writer& w, const Withdrawal& x) {
  w.Id(x.id);
  w.U64(x.uid);
  w.U32(x.currency);
  w.U8(x.chain);
  w.Bool(x.inner);
  w.Bool(x.canceled);
  w.Enum(x.status);
  w.I64(x.amount);
  w.I64(x.fee);
  w.Fixed(x.address);
  w.Fixed(x.memo);
  w.Fixed(x.remark);
  w.I64(x.created_at);
  w.I64(x.updated_at);
  w.I64(x.complete_at);
}
constexpr std::size_t kMinWithdrawalBytes = 12 + 8 + 4 + 4 + 2 * 8 + 3 + 3 * 8;

void GetWithdrawal(Reader& r, Withdrawal* x) {
  x->id = r.Id();
  x->uid = r.U64();
  x->currency = r.U32();
  x->chain = r.U8();
  x->inner = r.Bool();
  x->canceled = r.Bool();
  x->status = r.Enum<WithdrawalStatus>(2);
  x->amount = r.I64();
  x->fee = r.I64();
  r.Fixed(&x->address);
  r.Fixed(&x->memo);
  r.Fixed(&x->remark);
  x->created_at = r.I64();
  x->updated_at = r.I64();
  x->complete_at = r.I64();
}

void PutTrade(Writer& w, const PublicTrade& t) {
  w.U64(t.sequence);
  w.U64(t.trade_id);
  w.I64(t.price);
  w.I64(t.size);
  w.I64(t.funds);
  w.Enum(t.side);
  w.I64(t.ts);
}
constexpr std::size_t kMinTradeBytes = 6 * 8 + 1;

void GetTrade(Reader& r, PublicTrade* t) {
  t->sequence = r.U64();
  t->trade_id = r.U64();
  t->price = r.I64();
  t->size = r.I64();
  t->funds = r.I64();
  t->side = r.Enum<Side>(1);
  t->ts = r.I64();
}

void PutCandle(Writer& w, const Candle& c) {
  w.I64(c.start);
  for (Units v : {c.open, c.close, c.high, c.low, c.volume, c.turnover}) w.I64(v);
}
constexpr std::size_t kMinCandleBytes = 7 * 8;

void GetCandle(Reader& r, Candle* c) {
  c->start = r.I64();
  for (Units* v : {&c->open, &c->close, &c->high, &c->low, &c->volume, &c->turnover}) *v = r.I64();
}

void PutLevel(Writer& w, const Level& l) {
  w.I64(l.price);
  w.I64(l.visible);
  w.I64(l.total);
  w.U32(l.head);
  w.U32(l.tail);
  w.U32(l.count);
}
constexpr std::size_t kMinLevelBytes = 3 * 8 + 3 * 4;

Level GetLevel(Reader& r) {
  Level l;
  l.price = r.I64();
  l.visible = r.I64();
  l.total = r.I64();
  l.head = r.U32();
  l.tail = r.U32();
  l.count = r.U32();
  return l;
}

}  // namespace

// Friend of the engine's state-holding classes (see their declarations).
class SnapshotAccess {
 public:
  static void Save(const Exchange& ex, std::string* out);
  static bool Load(Exchange& ex, std::string_view bytes, std::string* error);

 private:
  template <typename T, typename Put>
  static void SaveRing(Writer& w, const Ring<T>& ring, Put put) {
    w.U64(ring.capacity_);
    w.U64(ring.end_);
    w.U64(ring.items_.size());
    for (std::uint64_t p = ring.begin(); p < ring.end(); ++p) put(w, ring.At(p));
  }
  // `ring` is fresh (empty) with the capacity this process expects.
  template <typename T, typename Get>
  static bool LoadRing(Reader& r, Ring<T>* ring, std::size_t min_bytes, Get get) {
    const std::uint64_t capacity = r.U64();
    const std::uint64_t end = r.U64();
    const std::size_t size = r.Count(min_bytes);
    if (!r.ok()) return false;
    if (capacity != ring->capacity_) {
      r.Fail("a history capacity differs from this server's");
      return false;
    }
    if (size > capacity || end < size || (size < capacity && end != size)) {
      r.Fail("a history's positions do not add up");
      return false;
    }
    ring->items_.assign(size, T{});
    ring->end_ = end;
    ring->next_ = static_cast<std::size_t>(end % capacity);
    for (std::uint64_t p = end - size; p < end; ++p) {
      get(r, &ring->items_[static_cast<std::size_t>(p % capacity)]);
    }
    return r.ok();
  }

  static bool Decode(Reader& r, Exchange& ex);
  static bool DecodeAccounts(Reader& r, Exchange& ex);
  static bool DecodeOrders(Reader& r, Exchange& ex);
  static bool DecodeDeadCancels(Reader& r, Exchange& ex);
  static bool DecodeStops(Reader& r, Exchange& ex);
  static bool DecodeFunding(Reader& r, Exchange& ex);
};

void SnapshotAccess::Save(const Exchange& ex, std::string* out) {
  // The body is written in place after room for the header, filled in last.
  const std::size_t start = out->size();
  out->append(kHeaderSize, '\0');
  Writer w(out);
  w.U32(static_cast<std::uint32_t>(ex.markets_.currencies.size()));
  w.U32(static_cast<std::uint32_t>(ex.markets_.symbols.size()));
  w.U64(MarketsFingerprint(ex.markets_));
  w.U64(ex.next_order_seq_);
  w.U64(ex.next_trade_id_);
  w.U64(ex.next_fill_id_);
  w.I64(ex.last_ts_);
  for (Units f : ex.fees_) w.I64(f);

  // Accounts and ledger.
  const Accounts& acc = ex.accounts_;
  w.U64(acc.next_account_seq_);
  w.U64(acc.next_ledger_seq_);
  w.U64(acc.next_event_id_);
  w.U64(acc.accounts_.size());
  for (const Account& a : acc.accounts_) {
    w.Id(a.id);
    w.U64(a.uid);
    w.U32(a.currency);
    w.Enum(a.type);
    w.I64(a.available);
    w.I64(a.holds);
    w.I64(a.created_at);
  }
  SaveRing(w, acc.ledger_, PutLedger);

  // The active orders, by pool slot (the books and user lists link slots).
  const OrderPool& pool = ex.pool_;
  w.U64(pool.slots_.size());
  w.U64(pool.free_.size());
  for (std::uint32_t i : pool.free_) w.U32(i);
  std::vector<bool> is_free(pool.slots_.size(), false);
  for (std::uint32_t i : pool.free_) is_free[i] = true;
  for (std::size_t i = 0; i < pool.slots_.size(); ++i) {
    if (!is_free[i]) PutOrder(w, pool.slots_[i]);
  }
  for (const OrderBook& b : ex.books_) {
    w.U64(b.sequence_);
    w.U64(b.orders_);
    for (const std::vector<Level>* levels : {&b.bids_, &b.asks_}) {
      w.U64(levels->size());
      for (const Level& l : *levels) PutLevel(w, l);
    }
  }
  // Users' active-order lists, in uid order (the map's own order is not stable).
  std::vector<std::pair<Uid, Exchange::UserOrders>> users(ex.users_.begin(), ex.users_.end());
  std::sort(users.begin(), users.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  w.U64(users.size());
  for (const auto& [uid, u] : users) {
    w.U64(uid);
    w.U32(u.head);
    w.U32(u.active);
  }
  w.U64(ex.expiries_.size());
  for (const auto& [at, seq] : ex.expiries_) {
    w.I64(at);
    w.U64(seq);
  }
  // Dead-cancel-all settings (version 2), in uid order.
  w.U64(ex.dead_cancels_.size());
  for (const auto& [uid, d] : ex.dead_cancels_) {
    w.U64(uid);
    w.I64(d.timeout);
    w.I64(d.set_at);
    w.I64(d.trigger_at);
    w.U64(d.symbols.size());
    for (SymbolId s : d.symbols) w.U32(s);
  }
  // Untriggered stop orders (version 3), then the triggered ones kept
  // (version 5), each with its command's encoding.
  for (const auto* map : {&ex.stops_, &ex.triggered_stops_}) {
    w.U64(map->size());
    for (const auto& [seq, st] : *map) {
      w.Id(st.id);
      w.I64(st.hold);
      w.I64(st.created_at);
      if (map == &ex.triggered_stops_) w.I64(st.triggered_at);
      std::string command;
      EncodeCommand(TimedCommand{0, PlaceStopOrder{st.order, st.stop, st.stop_price}}, &command);
      w.Bytes(command);
    }
  }
  // Deposits and withdrawals (version 4).
  for (Units x : ex.withdrawn_) w.I64(x);
  SaveRing(w, ex.deposits_, PutDeposit);
  w.U64(ex.withdrawals_.size());
  for (const auto& [seq, x] : ex.withdrawals_) PutWithdrawal(w, x);

  // Public market data.
  for (const MarketData& m : ex.market_data_) {
    SaveRing(w, m.recent_, PutTrade);
    for (const CandleSeries& s : m.series_) SaveRing(w, s.candles_, PutCandle);
  }

  // Histories.
  SaveRing(w, ex.done_, PutOrder);
  SaveRing(w, ex.fills_, PutFill);

  const std::string_view body = std::string_view(*out).substr(start + kHeaderSize);
  std::string header(kMagic, sizeof kMagic);
  Writer head(&header);
  head.U32(kSnapshotVersion);
  head.U64(body.size());
  head.U32(Crc(body));
  out->replace(start, kHeaderSize, header);
}

bool SnapshotAccess::DecodeAccounts(Reader& r, Exchange& ex) {
  Accounts& acc = ex.accounts_;
  acc.next_account_seq_ = r.U64();
  acc.next_ledger_seq_ = r.U64();
  acc.next_event_id_ = r.U64();
  const std::size_t n = r.Count(12 + 8 + 4 + 1 + 3 * 8);
  acc.accounts_.resize(n);
  for (Account& a : acc.accounts_) {
    a.id = r.Id();
    a.uid = r.U64();
    a.currency = r.U32();
    a.type = r.Enum<AccountType>(1);
    a.available = r.I64();
    a.holds = r.I64();
    a.created_at = r.I64();
    if (!r.ok()) return false;
    if (a.currency >= ex.markets_.currencies.size() || a.uid >= (1ull << 51) || a.available < 0 ||
        a.holds < 0) {
      r.Fail("an account is out of range");
      return false;
    }
  }
  for (std::uint32_t i = 0; i < acc.accounts_.size(); ++i) {
    const Account& a = acc.accounts_[i];
    const std::uint64_t key = Accounts::Key(a.uid, a.currency, a.type);
    if (acc.index_.Find(key)) {
      r.Fail("an account appears twice");
      return false;
    }
    acc.index_.Put(key, i);
    acc.by_user_[a.uid].push_back(i);
  }
  return LoadRing(r, &acc.ledger_, kMinLedgerBytes, GetLedger);
}

bool SnapshotAccess::DecodeOrders(Reader& r, Exchange& ex) {
  OrderPool& pool = ex.pool_;
  const std::uint64_t slots = r.U64();
  const std::size_t free_count = r.Count(4);
  if (!r.ok()) return false;
  if (free_count > slots || slots - free_count > r.remaining() / kMinOrderBytes) {
    r.Fail("the order pool's size does not add up");
    return false;
  }
  const auto n = static_cast<std::size_t>(slots);
  std::vector<bool> is_free(n, false);
  pool.free_.resize(free_count);
  for (std::uint32_t& i : pool.free_) {
    i = r.U32();
    if (!r.ok() || i >= n || is_free[i]) {
      r.Fail("the order pool's free list is damaged");
      return false;
    }
    is_free[i] = true;
  }
  pool.slots_.assign(n, Order{});
  const auto valid_link = [n](std::uint32_t i) { return i == kNoOrder || i < n; };
  for (std::size_t i = 0; i < n; ++i) {
    if (is_free[i]) continue;
    Order& o = pool.slots_[i];
    GetOrder(r, &o);
    if (!r.ok()) return false;
    if (o.symbol >= ex.markets_.symbols.size() || o.status != OrderStatus::kOpen || o.id.seq == 0 ||
        !valid_link(o.prev) || !valid_link(o.next) || !valid_link(o.user_prev) ||
        !valid_link(o.user_next)) {
      r.Fail("an active order is out of range");
      return false;
    }
    if (ex.active_.Find(o.id.seq)) {
      r.Fail("an active order appears twice");
      return false;
    }
    const SymbolSpec& spec = ex.markets_.symbol(o.symbol);
    const Account* holder = ex.accounts_.Find(o.uid, o.side == Side::kBuy ? spec.quote : spec.base,
                                              AccountType::kTrade);
    if (holder == nullptr) {
      r.Fail("an active order's hold account is missing");
      return false;
    }
    o.hold_account = ex.accounts_.IndexOf(*holder);
    ex.active_.Put(o.id.seq, i);
  }

  // Books: every live slot rests in exactly one level, in a consistent FIFO.
  std::vector<bool> seen(n, false);
  std::size_t resting = 0;
  for (OrderBook& b : ex.books_) {
    b.sequence_ = r.U64();
    b.orders_ = static_cast<std::size_t>(r.U64());
    std::size_t in_book = 0;
    for (Side side : {Side::kBuy, Side::kSell}) {
      std::vector<Level>& levels = b.Levels(side);
      levels.resize(r.Count(kMinLevelBytes));
      for (std::size_t k = 0; k < levels.size(); ++k) {
        Level& l = levels[k] = GetLevel(r);
        if (!r.ok()) return false;
        if (k > 0 && OrderBook::Key(side, levels[k - 1].price) >= OrderBook::Key(side, l.price)) {
          r.Fail("a book's levels are out of order");
          return false;
        }
        std::uint32_t prev = kNoOrder;
        std::uint32_t count = 0;
        for (std::uint32_t i = l.head; i != kNoOrder; i = pool.slots_[i].next) {
          if (i >= n || is_free[i] || seen[i] || pool.slots_[i].prev != prev ||
              pool.slots_[i].symbol != b.symbol_ || pool.slots_[i].side != side ||
              pool.slots_[i].price != l.price) {
            r.Fail("a book's order list is damaged");
            return false;
          }
          seen[i] = true;
          prev = i;
          ++count;
        }
        if (prev != l.tail || count != l.count || count == 0) {
          r.Fail("a book level's ends or count are wrong");
          return false;
        }
        in_book += count;
      }
    }
    if (in_book != b.orders_) {
      r.Fail("a book's order count is wrong");
      return false;
    }
    resting += in_book;
  }
  if (resting != n - free_count) {
    r.Fail("active orders rest outside the books");
    return false;
  }

  // Users' active-order lists cover the same orders once more.
  const std::size_t users = r.Count(16);
  std::fill(seen.begin(), seen.end(), false);
  std::size_t listed = 0;
  for (std::size_t k = 0; k < users; ++k) {
    const Uid uid = r.U64();
    Exchange::UserOrders u;
    u.head = r.U32();
    u.active = r.U32();
    if (!r.ok()) return false;
    std::uint32_t prev = kNoOrder;
    std::uint32_t count = 0;
    for (std::uint32_t i = u.head; i != kNoOrder; i = pool.slots_[i].user_next) {
      if (i >= n || is_free[i] || seen[i] || pool.slots_[i].user_prev != prev ||
          pool.slots_[i].uid != uid) {
        r.Fail("a user's order list is damaged");
        return false;
      }
      seen[i] = true;
      prev = i;
      ++count;
    }
    if (count != u.active || !ex.users_.emplace(uid, u).second) {
      r.Fail("a user's order count is wrong");
      return false;
    }
    listed += count;
  }
  if (listed != n - free_count) {
    r.Fail("active orders are missing from their users' lists");
    return false;
  }

  const std::size_t expiries = r.Count(16);
  for (std::size_t k = 0; k < expiries; ++k) {
    const Timestamp at = r.I64();
    const std::uint64_t seq = r.U64();
    if (!r.ok()) return false;
    if (!ex.active_.Find(seq)) {
      r.Fail("an expiry names no active order");
      return false;
    }
    ex.expiries_.insert({at, seq});
  }
  return r.ok();
}

bool SnapshotAccess::DecodeDeadCancels(Reader& r, Exchange& ex) {
  const std::size_t n = r.Count(5 * 8);
  for (std::size_t k = 0; k < n; ++k) {
    const Uid uid = r.U64();
    DeadCancel d;
    d.timeout = static_cast<std::int32_t>(r.I64());
    d.set_at = r.I64();
    d.trigger_at = r.I64();
    d.symbols.resize(r.Count(4));
    for (SymbolId& s : d.symbols) s = r.U32();
    if (!r.ok()) return false;
    const bool symbols_ok = d.symbols.size() <= kMaxDeadCancelSymbols &&
                            std::all_of(d.symbols.begin(), d.symbols.end(),
                                        [&](SymbolId s) { return s < ex.markets_.symbols.size(); });
    if (d.timeout < kDeadCancelMinTimeout || d.timeout > kDeadCancelMaxTimeout || !symbols_ok ||
        d.trigger_at != d.set_at + d.timeout * kNanosPerSecond) {
      r.Fail("a dead-cancel-all setting is out of range");
      return false;
    }
    ex.dead_cancel_triggers_.insert({d.trigger_at, uid});
    if (!ex.dead_cancels_.emplace(uid, std::move(d)).second) {
      r.Fail("a dead-cancel-all setting appears twice");
      return false;
    }
  }
  return r.ok();
}

bool SnapshotAccess::DecodeStops(Reader& r, Exchange& ex) {
  for (const bool triggered : {false, true}) {
    const std::size_t n = r.Count(12 + 8 + 8 + 4);
    for (std::size_t k = 0; k < n; ++k) {
      StopOrder st;
      st.id = r.Id();
      st.hold = r.I64();
      st.created_at = r.I64();
      if (triggered) st.triggered_at = r.I64();
      const std::string_view bytes = r.Bytes();
      if (!r.ok()) return false;
      TimedCommand command;
      const auto* place =
          DecodeCommand(bytes, &command) ? std::get_if<PlaceStopOrder>(&command.command) : nullptr;
      if (place == nullptr || place->order.symbol >= ex.markets_.symbols.size() || st.id.seq == 0 ||
          st.hold < 0 || (triggered != (st.triggered_at != 0)) || ex.stops_.count(st.id.seq) != 0 ||
          ex.triggered_stops_.count(st.id.seq) != 0 || (!triggered && ex.active_.Find(st.id.seq))) {
        r.Fail("a stop order is damaged");
        return false;
      }
      st.order = place->order;
      st.stop = place->stop;
      st.stop_price = place->stop_price;
      if (triggered) {
        ex.triggered_stops_.emplace(st.id.seq, std::move(st));
        continue;
      }
      ex.IndexStop(st);
      ++ex.users_[st.order.uid].stops;
      ex.stops_.emplace(st.id.seq, std::move(st));
    }
  }
  return r.ok();
}

bool SnapshotAccess::DecodeFunding(Reader& r, Exchange& ex) {
  for (Units& x : ex.withdrawn_) x = r.I64();
  if (!LoadRing(r, &ex.deposits_, kMinDepositBytes, GetDeposit)) return false;
  const std::size_t n = r.Count(kMinWithdrawalBytes);
  for (std::size_t k = 0; k < n; ++k) {
    Withdrawal x;
    GetWithdrawal(r, &x);
    if (!r.ok()) return false;
    if (x.currency >= ex.markets_.currencies.size() ||
        x.chain >= ex.markets_.currency(x.currency).chains.size() || x.id.seq == 0 ||
        x.amount <= 0 || x.fee < 0 || x.complete_at < 0 || ex.withdrawals_.count(x.id.seq) != 0) {
      r.Fail("a withdrawal is damaged");
      return false;
    }
    if (x.status != WithdrawalStatus::kProcessing) {
      ++ex.finished_withdrawals_;
    } else if (x.complete_at != 0) {
      ex.withdrawal_due_.insert({x.complete_at, x.id.seq});
    }
    ex.withdrawals_.emplace(x.id.seq, x);
  }
  return r.ok();
}

bool SnapshotAccess::Decode(Reader& r, Exchange& ex) {
  const std::uint32_t currencies = r.U32();
  const std::uint32_t symbols = r.U32();
  const std::uint64_t fingerprint = r.U64();
  if (!r.ok()) return false;
  if (currencies != ex.markets_.currencies.size() || symbols != ex.markets_.symbols.size() ||
      fingerprint != MarketsFingerprint(ex.markets_)) {
    r.Fail("the snapshot is of other markets (currencies or symbols changed)");
    return false;
  }
  ex.next_order_seq_ = r.U64();
  ex.next_trade_id_ = r.U64();
  ex.next_fill_id_ = r.U64();
  ex.last_ts_ = r.I64();
  for (Units& f : ex.fees_) f = r.I64();
  if (!DecodeAccounts(r, ex) || !DecodeOrders(r, ex) || !DecodeDeadCancels(r, ex) ||
      !DecodeStops(r, ex) || !DecodeFunding(r, ex)) {
    return false;
  }
  for (MarketData& m : ex.market_data_) {
    if (!LoadRing(r, &m.recent_, kMinTradeBytes, GetTrade)) return false;
    for (CandleSeries& s : m.series_) {
      if (!LoadRing(r, &s.candles_, kMinCandleBytes, GetCandle)) return false;
    }
  }
  if (!LoadRing(r, &ex.done_, kMinOrderBytes, GetOrder)) return false;
  if (!LoadRing(r, &ex.fills_, kMinFillBytes, GetFill)) return false;
  if (r.remaining() != 0) {
    r.Fail("trailing bytes after the snapshot");
    return false;
  }

  // Indexes derived from the histories: the done-order slots and clientOids
  // (the latest order to use a key owns it, as when it was placed).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> oids;  // (seq, key)
  for (std::uint64_t p = ex.done_.begin(); p < ex.done_.end(); ++p) {
    const Order& o = ex.done_.At(p);
    if (o.symbol >= ex.markets_.symbols.size() || o.id.seq == 0) {
      r.Fail("a done order is out of range");
      return false;
    }
    ex.done_slots_[o.id.seq & (ex.done_slots_.size() - 1)] = p + 1;
    if (!o.client_oid.empty()) {
      oids.push_back({o.id.seq, Exchange::ClientOidKey(o.uid, o.client_oid.view())});
    }
  }
  for (std::uint64_t p = ex.fills_.begin(); p < ex.fills_.end(); ++p) {
    if (ex.fills_.At(p).symbol >= ex.markets_.symbols.size()) {
      r.Fail("a fill is out of range");
      return false;
    }
  }
  for (const Order& o : ex.pool_.slots_) {
    if (o.id.seq != 0 && !o.client_oid.empty()) {
      oids.push_back({o.id.seq, Exchange::ClientOidKey(o.uid, o.client_oid.view())});
    }
  }
  std::sort(oids.begin(), oids.end());
  for (const auto& [seq, key] : oids) ex.client_oids_.Put(key, seq);
  return true;
}

bool SnapshotAccess::Load(Exchange& ex, std::string_view bytes, std::string* error) {
  const auto fail = [&](std::string why) {
    if (error) *error = "snapshot: " + why;
    return false;
  };
  const auto version = SnapshotVersion(bytes);
  if (!version) return fail("not a kcgate engine snapshot");
  if (*version != kSnapshotVersion) {
    return fail("format version " + std::to_string(*version) + ", this build reads " +
                std::to_string(kSnapshotVersion));
  }
  Reader head(bytes.substr(8));
  const std::uint64_t length = head.U64();
  const std::uint32_t crc = head.U32();
  if (!head.ok() || length != bytes.size() - kHeaderSize) {
    return fail("the length does not match (truncated or trailing bytes)");
  }
  const std::string_view body = bytes.substr(kHeaderSize);
  if (Crc(body) != crc) return fail("checksum mismatch");

  // Decode into a fresh Exchange, then take its state: a failure halfway
  // leaves `ex` untouched.
  Exchange fresh(ex.markets_, ex.sink_, ex.options_);
  Reader r(body);
  if (!Decode(r, fresh)) return fail(r.what());
  ex.pool_ = std::move(fresh.pool_);
  for (std::size_t i = 0; i < ex.books_.size(); ++i) {
    OrderBook& to = ex.books_[i];
    OrderBook& from = fresh.books_[i];
    to.bids_ = std::move(from.bids_);
    to.asks_ = std::move(from.asks_);
    to.RebuildKeys();
    to.sequence_ = from.sequence_;
    to.orders_ = from.orders_;
  }
  ex.market_data_ = std::move(fresh.market_data_);
  ex.accounts_ = std::move(fresh.accounts_);
  ex.fees_ = std::move(fresh.fees_);
  ex.active_ = std::move(fresh.active_);
  ex.client_oids_ = std::move(fresh.client_oids_);
  ex.done_ = std::move(fresh.done_);
  ex.done_slots_ = std::move(fresh.done_slots_);
  ex.fills_ = std::move(fresh.fills_);
  ex.users_ = std::move(fresh.users_);
  ex.expiries_ = std::move(fresh.expiries_);
  ex.dead_cancels_ = std::move(fresh.dead_cancels_);
  ex.dead_cancel_triggers_ = std::move(fresh.dead_cancel_triggers_);
  ex.stops_ = std::move(fresh.stops_);
  ex.rising_stops_ = std::move(fresh.rising_stops_);
  ex.falling_stops_ = std::move(fresh.falling_stops_);
  ex.triggered_stops_ = std::move(fresh.triggered_stops_);
  ex.withdrawn_ = std::move(fresh.withdrawn_);
  ex.deposits_ = std::move(fresh.deposits_);
  ex.withdrawals_ = std::move(fresh.withdrawals_);
  ex.withdrawal_due_ = std::move(fresh.withdrawal_due_);
  ex.finished_withdrawals_ = fresh.finished_withdrawals_;
  ex.next_order_seq_ = fresh.next_order_seq_;
  ex.next_trade_id_ = fresh.next_trade_id_;
  ex.next_fill_id_ = fresh.next_fill_id_;
  ex.last_ts_ = fresh.last_ts_;
  return true;
}

std::optional<std::uint32_t> SnapshotVersion(std::string_view bytes) {
  if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return std::nullopt;
  }
  Reader r(bytes.substr(4, 4));
  return r.U32();
}

void Exchange::SaveSnapshot(std::string* out) const { SnapshotAccess::Save(*this, out); }

bool Exchange::LoadSnapshot(std::string_view bytes, std::string* error) {
  return SnapshotAccess::Load(*this, bytes, error);
}

}  // namespace kc::engine
