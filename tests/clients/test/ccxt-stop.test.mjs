// ccxt's `kucoin` class, unmodified, with kcgate's stop orders
// (/api/v1/stop-order): createOrder with a triggerPrice / stopPrice, the
// trigger flag on fetchOpenOrders and cancelOrder (ccxt 4.5.84 reads both
// `stop` and `trigger`), and a stop order triggered by a trade. Spot-only
// configuration as in ccxt-spot.test.mjs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKcgate } from '../lib/harness.mjs';
import { ccxtKucoin } from '../lib/clients.mjs';

const kc = useKcgate();
const exchanges = [];
async function client(key) {
  const exchange = ccxtKucoin(kc.server.baseUrl, key, { options: { fetchMarkets: { types: ['spot'] } } });
  exchanges.push(exchange);
  await exchange.loadMarkets(false, { marginables: false });
  return exchange;
}
after(async () => {
  await Promise.all(exchanges.map((e) => e.close()));
});

async function deposit(key, currency, amount) {
  const out = JSON.parse(await kc.server.cli(['accounts', 'deposit', '--uid', String(key.uid),
    '--currency', currency, '--amount', amount, '--account', 'trade', '--json']));
  assert.equal(out.status, 'applied', JSON.stringify(out));
}

describe('ccxt kucoin: stop orders', { timeout: 60_000 }, () => {
  let user;
  let maker;
  let taker;
  before(async () => {
    const userKey = await kc.server.createKey({ permissions: 'General,Spot' });
    const makerKey = await kc.server.createKey({ permissions: 'General,Spot' });
    const takerKey = await kc.server.createKey({ permissions: 'General,Spot' });
    await deposit(userKey, 'USDT', '1000');
    await deposit(makerKey, 'BTC', '1');
    await deposit(takerKey, 'USDT', '1000');
    user = await client(userKey);
    maker = await client(makerKey);
    taker = await client(takerKey);
  });

  test('createOrder with triggerPrice / stopPrice; fetchOpenOrders with trigger / stop', async () => {
    const a = await user.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 31000, { triggerPrice: 30500 });
    assert.match(a.id, /^[0-9a-f]{24}$/);
    const b = await user.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 32000, { stopPrice: 31500 });
    // Not regular open orders: they wait for their trigger.
    assert.deepEqual(await user.fetchOpenOrders('BTC/USDT'), []);
    const triggers = await user.fetchOpenOrders('BTC/USDT', undefined, undefined, { trigger: true });
    assert.deepEqual(triggers.map((o) => o.id).sort(), [a.id, b.id].sort());
    const first = triggers.find((o) => o.id === a.id);
    assert.equal(first.price, 31000);
    assert.equal(first.amount, 0.001);
    assert.equal(first.side, 'buy');
    assert.equal(first.triggerPrice, 30500);
    const stops = await user.fetchOpenOrders(undefined, undefined, undefined, { stop: true });
    assert.equal(stops.length, 2);
    const balance = await user.fetchBalance();
    assert.equal(balance.USDT.used, 63.063);  // 31.031 + 32.032: each held like its limit order

    const canceled = await user.cancelOrder(b.id, 'BTC/USDT', { trigger: true });
    assert.equal(canceled.id, b.id);
    const left = await user.fetchOpenOrders('BTC/USDT', undefined, undefined, { trigger: true });
    assert.deepEqual(left.map((o) => o.id), [a.id]);
  });

  test('a trade at the trigger price places the order under the same id', async () => {
    const pending = await user.fetchOpenOrders('BTC/USDT', undefined, undefined, { trigger: true });
    assert.equal(pending.length, 1);
    const id = pending[0].id;
    await maker.createOrder('BTC/USDT', 'limit', 'sell', 0.001, 30500);
    await taker.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 30500);
    assert.deepEqual(await user.fetchOpenOrders('BTC/USDT', undefined, undefined, { trigger: true }), []);
    const open = await user.fetchOpenOrders('BTC/USDT');
    assert.deepEqual(open.map((o) => o.id), [id]);
    assert.equal(open[0].price, 31000);
    assert.equal(open[0].status, 'open');
  });

  test('cancelOrder with trigger and clientOrderId', async () => {
    const placed = await user.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20000,
      { triggerPrice: 25000, clientOrderId: 'ccxt-stop-1' });
    const canceled = await user.cancelOrder(undefined, 'BTC/USDT',
      { trigger: true, clientOrderId: 'ccxt-stop-1' });
    assert.ok(canceled);
    const left = await user.fetchOpenOrders('BTC/USDT', undefined, undefined, { trigger: true });
    assert.ok(!left.some((o) => o.id === placed.id));
  });
});
