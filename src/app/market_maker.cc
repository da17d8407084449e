// Prices are kept on each symbol's grid as integers (ticks of priceIncrement);
// only the random steps and the order sizes are drawn as doubles, then rounded
// onto the grid, so every order is an exact decimal the engine accepts.
//
// Per symbol and step: the walk moves; when the mid has moved by at least one
// level since the ladder was placed, the maker cancels its orders on the
// symbol and places a fresh ladder (levels bids and asks, `spacing` apart,
// post-only); with probability trade_percent the taker sends an IOC limit
// order two levels through the mid, which trades against the ladder. About a
// dozen commands per symbol per requote, far below what the engine notices.
#include "app/market_maker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <stdexcept>

#include "core/decimal.h"
#include "store/admin_inbox.h"

namespace kc::app {
namespace {

constexpr double kStepVolatility = 0.0006;  // per step, relative
constexpr double kReversion = 0.002;        // share of the distance to the anchor per step
constexpr double kSpacing = 0.0004;         // between ladder levels, relative to the mid
constexpr double kMinLevelUsd = 200;
constexpr double kMaxLevelUsd = 3000;
constexpr double kFundingUsd = 100'000'000;  // per currency and user: fees last for months
// The opening burst on an untraded symbol: this many steps, each with a
// crossing order, seeded by kOpeningSeed unless market_maker.seed is set.
constexpr int kOpeningSteps = 24;
constexpr uint64_t kOpeningSeed = 20'261'207;

uint64_t WalkSeed(uint64_t seed, engine::SymbolId s) {
  return seed ^ (0x9E3779B97F4A7C15ull * (s + 1));
}

double Pow10d(int n) { return std::pow(10.0, n); }

}  // namespace

PriceWalk::PriceWalk(int64_t start_ticks, int64_t anchor_ticks, uint64_t seed)
    : ticks_(std::max<int64_t>(start_ticks, 100)),
      anchor_(std::max<int64_t>(anchor_ticks, 100)),
      rng_(seed) {}

int64_t PriceWalk::Step() {
  const double t = static_cast<double>(ticks_);
  const double move =
      t * kStepVolatility * normal_(rng_) + (static_cast<double>(anchor_) - t) * kReversion;
  // Never below 100 ticks: the grid must stay fine enough to quote a ladder.
  ticks_ = std::max<int64_t>(100, ticks_ + std::llround(move));
  return ticks_;
}

double ReferenceUsdValue(const std::string& currency) {
  if (currency == "BTC") return 60'000;
  if (currency == "ETH") return 3'000;
  if (currency == "SOL") return 150;
  if (currency == "KCS") return 10;
  if (currency == "USDT" || currency == "USDC") return 1;
  return 0;  // unknown
}

std::string MarketMaker::FundingAmount(const engine::MarketConfig& markets,
                                       engine::CurrencyId currency) {
  const auto& spec = markets.currency(currency);
  double usd = ReferenceUsdValue(spec.currency);
  if (usd == 0) usd = 1;
  // Whole units keep the text exact at any precision.
  const auto units = static_cast<int64_t>(std::ceil(kFundingUsd / usd));
  return std::to_string(units);
}

MarketMaker::MarketMaker(MarketMakerConfig config, std::string journal_path,
                         engine::CommandLoop& loop)
    : config_(config),
      journal_path_(std::move(journal_path)),
      loop_(loop),
      markets_(loop.exchange().markets()),
      maker_(static_cast<engine::Uid>(config.uid)),
      taker_(static_cast<engine::Uid>(config.uid) + 1),
      rng_(config.seed),
      opening_seed_(config.seed != 0 ? config.seed : kOpeningSeed) {
  if (config_.uid <= 0) throw std::runtime_error("market_maker.uid must be positive");
  if (config_.interval_ms <= 0) throw std::runtime_error("market_maker.interval_ms must be > 0");
  if (config_.levels < 1 || config_.levels > 50) {
    throw std::runtime_error("market_maker.levels must be within 1..50");
  }
  if (config_.trade_percent > 100) {
    throw std::runtime_error("market_maker.trade_percent must be within 0..100");
  }
  if (config_.seed == 0) {
    config_.seed =
        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    rng_.seed(config_.seed);
  }
}

MarketMaker::~MarketMaker() { Stop(); }

void MarketMaker::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    try {
      Run();
    } catch (const std::exception& e) {
      spdlog::error("market maker stopped: {}", e.what());
    }
    MarkLive();  // nobody waits for a market that is not coming
  });
}

void MarketMaker::MarkLive() {
  {
    std::lock_guard lock(mu_);
    live_ = true;
  }
  cv_.notify_all();
}

bool MarketMaker::WaitUntilLive(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return live_ || stopping_; });
}

void MarketMaker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool MarketMaker::WaitFor(std::chrono::milliseconds interval) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, interval, [this] { return stopping_; });
}

bool MarketMaker::Fund() {
  store::AdminInbox inbox(journal_path_);
  std::vector<int64_t> rows;
  for (engine::Uid uid : {maker_, taker_}) {
    for (engine::CurrencyId c = 0; c < markets_.currencies.size(); ++c) {
      const std::string& currency = markets_.currency(c).currency;
      store::DepositRequest request{static_cast<int64_t>(uid), currency, FundingAmount(markets_, c),
                                    "trade",
                                    "market-maker:" + std::to_string(uid) + ":" + currency};
      rows.push_back(inbox.Enqueue(request, markets_).id);
    }
  }
  // The server's inbox poller applies them (at most 250 ms away).
  for (;;) {
    bool pending = false;
    for (int64_t id : rows) {
      const auto row = inbox.Find(id);
      if (row && row->status == "pending") pending = true;
    }
    if (!pending) return true;
    if (!WaitFor(std::chrono::milliseconds(50))) return false;
  }
}

std::vector<std::size_t> MarketMaker::LoadStartingPrices(uint64_t walk_seed) {
  std::promise<std::vector<int64_t>> last;
  auto answer = last.get_future();
  const bool queued = loop_.SubmitQuery([this, &last](const engine::Exchange& exchange) {
    std::vector<int64_t> prices;
    for (engine::SymbolId s = 0; s < markets_.symbols.size(); ++s) {
      const auto trade = exchange.market_data(s).LastTrade();
      prices.push_back(trade ? trade->price : 0);
    }
    last.set_value(std::move(prices));
  });
  std::vector<int64_t> prices(markets_.symbols.size(), 0);
  if (queued) prices = answer.get();

  std::vector<std::size_t> untraded;

  for (engine::SymbolId s = 0; s < markets_.symbols.size(); ++s) {
    const auto& spec = markets_.symbol(s);
    if (!spec.enable_trading || spec.price_increment <= 0) continue;
    const double base_usd = ReferenceUsdValue(markets_.currency(spec.base).currency);
    const double quote_usd = ReferenceUsdValue(markets_.currency(spec.quote).currency);
    const double reference = base_usd > 0 && quote_usd > 0 ? base_usd / quote_usd : 1.0;
    const double tick =
        static_cast<double>(spec.price_increment) / Pow10d(markets_.currency(spec.quote).precision);
    const auto anchor = std::llround(reference / tick);
    const int64_t start = prices[s] > 0 ? prices[s] / spec.price_increment : anchor;
    if (prices[s] == 0) untraded.push_back(quoting_.size());
    quoting_.push_back(Quoting{s, PriceWalk(start, anchor, WalkSeed(walk_seed, s)), 0});
  }
  return untraded;
}

void MarketMaker::TradeOpeningBurst(const std::vector<std::size_t>& untraded, uint64_t seed) {
  if (untraded.empty()) return;
  rng_.seed(seed);
  for (int step = 0; step < kOpeningSteps; ++step) {
    for (std::size_t i : untraded) StepSymbol(quoting_[i], 100);
  }
  // Queries answer in queue order, once what came before is durable.
  std::promise<void> done;
  auto applied = done.get_future();
  if (loop_.SubmitQuery([&done](const engine::Exchange&) -> engine::CommandLoop::Reply {
        return [&done] { done.set_value(); };
      })) {
    applied.wait();
  }
  spdlog::info("market maker: opening trades on {} symbols", untraded.size());
}

void MarketMaker::Run() {
  if (!Fund()) return;
  funded_ = true;
  TradeOpeningBurst(LoadStartingPrices(opening_seed_), opening_seed_);
  // From here on the path follows market_maker.seed (the clock's when 0).
  rng_.seed(config_.seed);
  for (Quoting& q : quoting_) q.walk.Reseed(WalkSeed(config_.seed, q.symbol));
  MarkLive();
  spdlog::info("market maker: uid {} quoting {} symbols (taker uid {}, seed {})", maker_,
               quoting_.size(), taker_, config_.seed);
  while (WaitFor(std::chrono::milliseconds(config_.interval_ms))) {
    for (Quoting& q : quoting_) StepSymbol(q, static_cast<int>(config_.trade_percent));
    steps_.fetch_add(1);
  }
  // Leave no quotes behind that nobody refreshes.
  for (const Quoting& q : quoting_) Send(engine::CancelAll{maker_, q.symbol});
}

void MarketMaker::Send(engine::Command command) {
  const bool queued =
      loop_.Submit(std::move(command),
                   [this](const engine::CommandResult& result,
                          const engine::Exchange&) -> engine::CommandLoop::Reply {
                     if (result.ok()) return nullptr;
                     return [this] { rejected_.fetch_add(1, std::memory_order_relaxed); };
                   });
  if (queued) submitted_.fetch_add(1, std::memory_order_relaxed);
}

void MarketMaker::StepSymbol(Quoting& q, int trade_percent) {
  const auto& spec = markets_.symbol(q.symbol);
  const int base_scale = markets_.currency(spec.base).precision;
  const int quote_scale = markets_.currency(spec.quote).precision;
  const int64_t mid = q.walk.Step();
  const int64_t spacing = std::max<int64_t>(1, std::llround(static_cast<double>(mid) * kSpacing));

  // A size worth [kMinLevelUsd, kMaxLevelUsd], on the base grid, at least the minimum.
  double quote_usd = ReferenceUsdValue(markets_.currency(spec.quote).currency);
  if (quote_usd == 0) quote_usd = 1;
  const double price = static_cast<double>(mid * spec.price_increment) / Pow10d(quote_scale);
  std::uniform_real_distribution<double> usd(kMinLevelUsd, kMaxLevelUsd);
  const auto size_of = [&](double factor) {
    const double base = usd(rng_) * factor / quote_usd / price;
    const auto increment = std::max<int64_t>(1, spec.base_increment);
    int64_t size =
        std::llround(base * Pow10d(base_scale) / static_cast<double>(increment)) * increment;
    const int64_t min_size = (spec.base_min_size + increment - 1) / increment * increment;
    size = std::max(size, min_size);
    // minFunds: price x size must reach it.
    const auto funds = MulDecimal(mid * spec.price_increment, quote_scale, size, base_scale,
                                  quote_scale, Rounding::kDown);
    if (funds && *funds < std::max(spec.min_funds, spec.quote_min_size)) size *= 2;
    return size;
  };

  if (q.quoted_ticks == 0 || std::llabs(mid - q.quoted_ticks) >= spacing) {
    Send(engine::CancelAll{maker_, q.symbol});
    for (unsigned i = 1; i <= config_.levels; ++i) {
      for (engine::Side side : {engine::Side::kBuy, engine::Side::kSell}) {
        const int64_t ticks = side == engine::Side::kBuy ? mid - spacing * i : mid + spacing * i;
        if (ticks <= 0) continue;
        engine::PlaceOrder order;
        order.uid = maker_;
        order.symbol = q.symbol;
        order.side = side;
        order.type = engine::OrderType::kLimit;
        order.price = ticks * spec.price_increment;
        order.size = size_of(1.0);
        order.post_only = true;
        Send(order);
      }
    }
    q.quoted_ticks = mid;
  }

  std::uniform_int_distribution<int> percent(0, 99);
  if (percent(rng_) < trade_percent) {
    engine::PlaceOrder order;
    order.uid = taker_;
    order.symbol = q.symbol;
    order.side = percent(rng_) < 50 ? engine::Side::kBuy : engine::Side::kSell;
    order.type = engine::OrderType::kLimit;
    order.time_in_force = engine::TimeInForce::kIoc;
    const int64_t through = 2 * spacing;
    order.price =
        (order.side == engine::Side::kBuy ? mid + through : std::max<int64_t>(1, mid - through)) *
        spec.price_increment;
    order.size = size_of(0.7);
    Send(order);
  }
}

}  // namespace kc::app
