// GET /healthz and /readyz over real sockets (issue 11, item 2): both open
// (no admin token); /readyz answers 503 naming what is not ready: maintenance
// set with the real `kcgate status set close`, an engine thread held busy
// past [health] deadline_ms, a journal that cannot take its next batch
// (another connection holds journal.db's write lock), and ready again once
// each is over.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>
#include <cstdio>
#include <future>
#include <string>
#include <thread>

#include "engine/command_loop.h"
#include "store/sqlite_journal.h"
#include "test_client.h"
#include "test_server.h"

namespace kc {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::Eventually;
using testing::Reply;
using testing::TestClient;
using testing::TestServer;

void WithAdmin(app::Config& config) { config.admin.listen = "127.0.0.1:0"; }

std::string RunCli(const std::string& args) {
  const std::string command = std::string(KC_KCGATE_BIN) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string out;
  char buffer[4096];
  while (const size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  if (::pclose(pipe) != 0) throw std::runtime_error("kcgate " + args + " failed: " + out);
  return out;
}

Reply Ready(TestServer& server) {
  return TestClient(*server.server().admin_endpoint()).Get("/readyz");
}

// The names /readyz gives as not ready.
json::object NotReady(const Reply& reply) {
  if (!reply.json.is_object() || !reply.json.as_object().contains("notReady")) return {};
  return reply.json.as_object().at("notReady").as_object();
}

// Holds the engine thread for `busy` (a query that sleeps stands for a stuck engine).
std::future<void> HoldEngine(app::Server& server, std::chrono::milliseconds busy) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  EXPECT_TRUE(server.engine_loop().SubmitQuery([busy, done](const engine::Exchange&) {
    std::this_thread::sleep_for(busy);
    return engine::CommandLoop::Reply([done] { done->set_value(); });
  }));
  return future;
}

TEST(Health, HealthzAndReadyzAnswerWithoutTheToken) {
  TestServer server("health-ok", WithAdmin);
  server.Start();
  const auto admin = *server.server().admin_endpoint();
  const Reply live = TestClient(admin).Get("/healthz");
  EXPECT_EQ(live.status, 200u) << live.body;
  EXPECT_EQ(live.json.at("status"), "up");
  const Reply ready = TestClient(admin).Get("/readyz");
  EXPECT_EQ(ready.status, 200u) << ready.body;
  EXPECT_EQ(ready.json.at("status"), "ready");
  EXPECT_TRUE(NotReady(ready).empty());
  // The token-guarded admin API next to them still wants the token.
  EXPECT_EQ(TestClient(admin).Get("/admin/v1/limits?ip=1.2.3.4").status, 401u);
}

TEST(Health, ReadyzNamesMaintenanceUntilTheStatusIsOpenAgain) {
  TestServer server("health-maintenance", WithAdmin);
  server.Start();
  RunCli("status set close --msg 'upgrading the engine' --data " + server.data_dir());
  Reply reply;
  ASSERT_TRUE(Eventually([&] {
    reply = Ready(server);
    return reply.status == 503;
  })) << reply.body;
  const json::object not_ready = NotReady(reply);
  ASSERT_TRUE(not_ready.contains("maintenance")) << reply.body;
  EXPECT_EQ(not_ready.at("maintenance"), "status close: upgrading the engine");
  EXPECT_EQ(not_ready.size(), 1u) << reply.body;  // nothing else is wrong
  EXPECT_EQ(reply.json.at("status"), "not ready");
  // Liveness is not readiness: the process is up all along.
  EXPECT_EQ(TestClient(*server.server().admin_endpoint()).Get("/healthz").status, 200u);

  RunCli("status set open --data " + server.data_dir());
  EXPECT_TRUE(Eventually([&] {
    reply = Ready(server);
    return reply.status == 200;
  })) << reply.body;
}

TEST(Health, ReadyzNamesAnEngineThatDoesNotAnswerWithinTheDeadline) {
  TestServer server("health-engine", [](app::Config& config) {
    WithAdmin(config);
    config.health.deadline_ms = 200;
  });
  server.Start();
  std::future<void> free = HoldEngine(server.server(), 1500ms);
  const Reply stalled = Ready(server);
  EXPECT_EQ(stalled.status, 503u) << stalled.body;
  const json::object not_ready = NotReady(stalled);
  ASSERT_TRUE(not_ready.contains("engine")) << stalled.body;
  EXPECT_EQ(not_ready.at("engine"), "no answer within 200 ms");
  free.wait();
  const Reply back = Ready(server);
  EXPECT_EQ(back.status, 200u) << back.body;
}

// [health] deadline_ms takes effect: the same 400 ms stall is within a 3 s deadline.
TEST(Health, ALongerDeadlineWaitsOutAShortStall) {
  TestServer server("health-deadline", [](app::Config& config) {
    WithAdmin(config);
    config.health.deadline_ms = 3000;
  });
  server.Start();
  std::future<void> free = HoldEngine(server.server(), 400ms);
  const Reply reply = Ready(server);
  EXPECT_EQ(reply.status, 200u) << reply.body;
  free.wait();
}

// The journal cannot take writes: another connection holds journal.db's
// write lock, so the writer's next batch waits (SQLite's busy timeout is 5 s;
// the lock is let go well before). Readiness names the journal (and the
// engine, whose answers wait for that batch), then recovers.
TEST(Health, ReadyzNamesAJournalThatTakesNoWrites) {
  TestServer server("health-journal", [](app::Config& config) {
    WithAdmin(config);
    config.health.deadline_ms = 200;
  });
  server.Start();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store::JournalPath(server.data_dir()).c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  // A command the writer must now wait to journal.
  const engine::MarketConfig& markets = server.server().engine_loop().exchange().markets();
  std::promise<bool> durable;
  ASSERT_TRUE(server.server().engine_loop().Submit(
      engine::Deposit{77, *markets.FindCurrency("USDT"), engine::AccountType::kTrade, 1},
      [&durable](const engine::CommandResult& r, const engine::Exchange&) {
        return [&durable, ok = r.ok()] { durable.set_value(ok); };
      }));
  Reply reply;
  const bool named = Eventually(
      [&] {
        reply = Ready(server);
        return NotReady(reply).contains("journal");
      },
      2500ms);
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_TRUE(named) << reply.body;
  EXPECT_EQ(reply.status, 503u);
  EXPECT_TRUE(NotReady(reply).contains("engine")) << reply.body;
  EXPECT_TRUE(durable.get_future().get());
  EXPECT_TRUE(Eventually([&] {
    reply = Ready(server);
    return reply.status == 200;
  })) << reply.body;
}

// A graceful shutdown (SIGTERM's path): while requests in flight finish,
// readiness names the shutdown and the closed listener.
TEST(Health, ReadyzNamesAShutdownUnderWay) {
  TestServer server("health-shutdown", [](app::Config& config) {
    WithAdmin(config);
    config.health.deadline_ms = 200;
  });
  const testing::TestKey key = server.Key(21);
  TestClient client(server.Start());
  // A request that waits for the (held) engine keeps the shutdown waiting.
  std::future<void> free = HoldEngine(server.server(), 1500ms);
  auto in_flight = std::async(std::launch::async, [&] {
    return client.Get("/api/v1/accounts", testing::SignedHeaders(key, "GET", "/api/v1/accounts"));
  });
  std::this_thread::sleep_for(100ms);
  auto shutdown = std::async(std::launch::async, [&] { server.server().Shutdown(5s); });
  Reply reply;
  EXPECT_TRUE(Eventually(
      [&] {
        reply = Ready(server);
        return NotReady(reply).contains("shutdown") && NotReady(reply).contains("listening");
      },
      1000ms))
      << reply.body;
  EXPECT_EQ(reply.status, 503u);
  EXPECT_FALSE(NotReady(reply).contains("maintenance")) << reply.body;
  free.wait();
  EXPECT_EQ(in_flight.get().status, 200u);
  shutdown.wait();
}

}  // namespace
}  // namespace kc
