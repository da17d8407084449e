// The demo market: the market-maker switch (--no-market-maker and
// [market_maker] enabled = false leave the books empty), a market that has
// prices from the first second (the maker's opening trades), and the demo
// key `make run` prints, funded once from [demo] funds.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKcgate, okData, sleep, waitUntil } from '../lib/harness.mjs';
import { ccxtKucoin } from '../lib/clients.mjs';

const servers = [];
const exchanges = [];
async function start(options) {
  const server = await startKcgate(options);
  servers.push(server);
  return server;
}
after(async () => {
  await Promise.all(exchanges.map((e) => e.close()));
  await Promise.all(servers.map((s) => s.stop()));
});

const MAKER_ON = '[market_maker]\nenabled = true\ninterval_ms = 50\n';

async function symbols(server) {
  return okData(await server.request('GET', '/api/v2/symbols')).map((s) => s.symbol);
}

// Every symbol's book and trade list are empty.
async function assertNoMarket(server) {
  for (const symbol of await symbols(server)) {
    const book = okData(await server.request('GET', `/api/v1/market/orderbook/level2_20?symbol=${symbol}`));
    assert.deepEqual([book.bids, book.asks], [[], []], `${symbol} has orders`);
    const trades = okData(await server.request('GET', `/api/v1/market/histories?symbol=${symbol}`));
    assert.deepEqual(trades, [], `${symbol} has trades`);
  }
}

describe('the market-maker switch', { timeout: 30_000 }, () => {
  test('--no-market-maker overrides [market_maker] enabled = true: books stay empty', async () => {
    const server = await start({ config: MAKER_ON, args: ['--no-market-maker'] });
    await sleep(1_000); // 20 maker intervals
    await assertNoMarket(server);
  });

  test('[market_maker] enabled = false: books stay empty', async () => {
    const server = await start({ config: '[market_maker]\nenabled = false\ninterval_ms = 50\n' });
    await sleep(1_000);
    await assertNoMarket(server);
  });

  test('enabled = true (the control): quotes on both sides of every symbol', async () => {
    const server = await start({ config: MAKER_ON });
    for (const symbol of await symbols(server)) {
      await waitUntil(async () => {
        const book = okData(await server.request('GET', `/api/v1/market/orderbook/level2_20?symbol=${symbol}`));
        return book.bids.length > 0 && book.asks.length > 0;
      }, { what: `quotes on ${symbol}` });
    }
  });
});

describe('a live market from the first second', { timeout: 30_000 }, () => {
  test('right after start every symbol has a last price, 24h stats and candles', async () => {
    // One step a minute: what the test sees is the opening burst alone.
    const server = await start({ config: '[market_maker]\nenabled = true\ninterval_ms = 60000\n' });
    const exchange = ccxtKucoin(server.baseUrl);
    exchanges.push(exchange);
    const ticker = await exchange.fetchTicker('BTC/USDT');
    assert.equal(typeof ticker.last, 'number', JSON.stringify(ticker.info));
    assert.ok(ticker.last > 0);
    for (const symbol of await symbols(server)) {
      const level1 = okData(await server.request('GET', `/api/v1/market/orderbook/level1?symbol=${symbol}`));
      assert.ok(Number(level1.price) > 0, `${symbol} level1 price ${level1.price}`);
      const stats = okData(await server.request('GET', `/api/v1/market/stats?symbol=${symbol}`));
      assert.ok(Number(stats.vol) > 0 && Number(stats.last) > 0, `${symbol} stats ${JSON.stringify(stats)}`);
      const candles = okData(await server.request('GET', `/api/v1/market/candles?type=1min&symbol=${symbol}`));
      assert.ok(candles.length >= 1, `${symbol} has no candle`);
    }
  });

  test('the opening prices are the same on every fresh start', async () => {
    const config = '[market_maker]\nenabled = true\ninterval_ms = 60000\n';
    const first = await start({ config });
    const second = await start({ config });
    for (const symbol of await symbols(first)) {
      const path = `/api/v1/market/histories?symbol=${symbol}`;
      const a = okData(await first.request('GET', path)).map((t) => [t.price, t.size, t.side]);
      const b = okData(await second.request('GET', path)).map((t) => [t.price, t.size, t.side]);
      assert.ok(a.length > 0);
      assert.deepEqual(b, a, symbol);
    }
  });
});

// The demo key's lines in kcgate's output.
async function demoKey(server) {
  await waitUntil(() => /passphrase: +\S+/.test(server.output), { what: 'the demo key lines' });
  const field = (name) => new RegExp(`${name}: +(\\S+)`).exec(server.output)[1];
  return {
    apiKey: field('key'),
    secret: field('secret'),
    passphrase: field('passphrase'),
    uid: Number(/Demo API key \(uid (\d+)\)/.exec(server.output)[1]),
  };
}

async function tradeBalances(server, key) {
  const accounts = okData(await server.request('GET', '/api/v1/accounts?type=trade', { key }));
  return Object.fromEntries(accounts.map((a) => [a.currency, a.balance]));
}

describe('the demo key', { timeout: 40_000 }, () => {
  test('is printed funded (10000 USDT, 1 BTC in trade), once across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kcgate-client-demo-'));
    try {
      const config = '[demo]\ncreate_key = true\n';
      let server = await startKcgate({ config, dataDir });
      const key = await demoKey(server);
      assert.match(server.output, /Funded once .*: 10000 USDT 1 BTC/);
      // Printed after the deposits applied: funded at the first request.
      assert.deepEqual(await tradeBalances(server, key), { USDT: '10000', BTC: '1' });
      await server.stop();

      server = await startKcgate({ config, dataDir });
      servers.push(server);
      const again = await demoKey(server);
      assert.equal(again.apiKey, key.apiKey);
      assert.deepEqual(await tradeBalances(server, key), { USDT: '10000', BTC: '1' });
      await server.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('[demo] funds sets what it is funded with', async () => {
    const server = await start({ config: '[demo]\ncreate_key = true\nfunds = ["2.5 ETH"]\n' });
    const key = await demoKey(server);
    assert.deepEqual(await tradeBalances(server, key), { ETH: '2.5' });
  });

  test("with the market maker on, the README's first order fills at once", async () => {
    const server = await start({ config: '[demo]\ncreate_key = true\n[market_maker]\nenabled = true\n' });
    const key = await demoKey(server);
    const exchange = ccxtKucoin(server.baseUrl, key);
    exchanges.push(exchange);
    await exchange.loadMarkets();
    const order = await exchange.createOrder('BTC/USDT', 'market', 'buy', 0.001);
    const filled = await waitUntil(async () => {
      const o = await exchange.fetchOrder(order.id, 'BTC/USDT');
      return o.status === 'closed' ? o : { done: false, o };
    }, { what: 'the market order to fill' });
    assert.equal(filled.filled, 0.001);
    assert.ok(filled.cost > 0);
  });
});
