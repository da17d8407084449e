// ccxt pro (ccxt's WebSocket `kucoin` class), unmodified, against kcgate's
// private push topics: a signed POST /api/v1/bullet-private, then
// /spotMarket/tradeOrders (watchOrders, and the trades inside it) and
// /account/balance (watchBalance), driven by real orders and deposits.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKcgate, waitUntil, sleep } from '../lib/harness.mjs';
import { spotCcxtClients } from '../lib/clients.mjs';

// The demo market maker is off: each test's book holds only its own orders.
const kc = useKcgate({ config: '[market_maker]\nenabled = false\n' });
const ccxtClients = spotCcxtClients(kc);
const restClient = (key) => ccxtClients.rest(key);
const proClient = (key, options) => ccxtClients.pro(key, options);
after(() => ccxtClients.closeAll());

async function deposit(uid, currency, amount) {
  await kc.server.cli(['accounts', 'deposit', '--uid', String(uid), '--currency', currency,
    '--amount', amount, '--account', 'trade']);
}

// A user with a Spot key and `amounts` in the trade account, with ccxt's REST
// client; waits until the deposits show.
async function trader(amounts) {
  const key = await kc.server.createKey({ permissions: 'General,Spot' });
  for (const [currency, amount] of Object.entries(amounts)) await deposit(key.uid, currency, amount);
  const rest = await restClient(key);
  await waitUntil(async () => {
    const balance = await rest.fetchBalance();
    return Object.entries(amounts).every(([c, a]) => balance[c]?.free === Number(a));
  }, { what: `deposits of ${JSON.stringify(amounts)} for uid ${key.uid}` });
  return { key, rest };
}

// Whether ccxt holds the server's ack of its subscription to `topic`: ccxt
// files the subscription under `hash` (the topic, or for watchBalance the
// account type) and keeps a request id pointing at the topic until the ack.
function acked(pro, topic, hash = topic) {
  return Object.values(pro.clients).some((client) => hash in client.subscriptions &&
    !Object.entries(client.subscriptions).some(([id, value]) => value === topic && id !== topic));
}

// Keeps `watch` running and returns its latest value once `accept` takes it,
// calling `poke` (which should make something happen, once) between checks.
// The latest value is re-checked after every poke: a push may well arrive
// before the REST answer that `accept` compares it with.
// `ready` holds off the pokes until the subscription is acknowledged.
// `cached` reads the client's cache: a push that arrived between two watchFor
// calls resolves no new watch() call, but it is in the cache.
async function watchFor(watch, accept, poke = async () => {},
  { ready = () => true, tries = 50, every = 100, cached = () => undefined } = {}) {
  let latest;
  let failure;
  (async () => {
    for (;;) latest = await watch();
  })().catch((e) => {
    failure = e;
  });
  await waitUntil(() => failure || ready(), { what: 'the subscription ack' });
  for (let i = 0; i < tries; i++) {
    if (failure) throw failure;
    if (latest !== undefined && accept(latest)) return latest;
    const known = cached();
    if (known !== undefined && accept(known)) return known;
    await poke(i);
    await sleep(every);
  }
  throw new Error(`no accepted value after ${tries} tries; last: ${JSON.stringify(latest)}`);
}

describe('ccxt pro kucoin: private topics', { timeout: 60_000 }, () => {
  test('watchOrders follows an order: open, partly filled, canceled', async () => {
    const me = await trader({ USDT: '100000' });
    const other = await trader({ BTC: '10' });
    const pro = await proClient(me.key);
    let placed;
    const find = (orders) => placed && orders.find((o) => o.id === placed.id);

    const opened = find(await watchFor(() => pro.watchOrders('BTC/USDT'),
      (orders) => find(orders)?.status === 'open',
      async () => {
        placed ??= await me.rest.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 30000,
          { clientOid: 'ws-private-1' });
      },
      { ready: () => acked(pro, '/spotMarket/tradeOrders') }));
    assert.equal(opened.symbol, 'BTC/USDT');
    assert.equal(opened.type, 'limit');
    assert.equal(opened.side, 'buy');
    assert.equal(opened.price, 30000);
    assert.equal(opened.amount, 0.01);
    assert.equal(opened.filled, 0);
    assert.equal(opened.clientOrderId, 'ws-private-1');
    assert.equal(opened.info.type, 'open');

    await other.rest.createOrder('BTC/USDT', 'limit', 'sell', 0.004, 30000);
    const matched = find(await watchFor(() => pro.watchOrders('BTC/USDT'),
      (orders) => find(orders)?.filled === 0.004, undefined, { cached: () => pro.orders }));
    assert.equal(matched.status, 'open');
    assert.equal(matched.info.type, 'match');
    assert.equal(matched.info.liquidity, 'maker');
    assert.equal(matched.info.remainSize, '0.006');
    assert.equal(matched.average, 30000);
    // The match message is also one of my trades.
    const mine = pro.myTrades.filter((t) => t.order === placed.id);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].price, 30000);
    assert.equal(mine[0].amount, 0.004);
    assert.equal(mine[0].takerOrMaker, 'maker');

    await me.rest.cancelOrder(placed.id, 'BTC/USDT');
    const canceled = find(await watchFor(() => pro.watchOrders('BTC/USDT'),
      (orders) => find(orders)?.status === 'canceled', undefined,
      { cached: () => pro.orders }));
    assert.equal(canceled.filled, 0.004);
    assert.equal(canceled.info.type, 'canceled');
    assert.equal(canceled.info.canceledSize, '0.006');

    // Another user's orders never reach this connection.
    const theirs = await other.rest.createOrder('BTC/USDT', 'limit', 'sell', 0.01, 90000);
    await sleep(500);
    assert.ok(!pro.orders.some((o) => o.id === theirs.id));
  });

  test('watchBalance shows holds and deposits as they happen', async () => {
    const me = await trader({ USDT: '1000' });
    const pro = await proClient(me.key);
    let placed;
    const held = await watchFor(() => pro.watchBalance(),
      (b) => b.USDT?.used > 0,
      async () => {
        placed ??= await me.rest.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 20000);
      },
      { ready: () => acked(pro, '/account/balance', 'trade') });
    // 200 USDT plus the 0.1% fee KuCoin holds with a limit buy.
    assert.equal(held.USDT.used, 200.2);
    assert.equal(held.USDT.free, 799.8);
    assert.equal(held.USDT.total, 1000);
    assert.equal(held.info.relationEvent, 'trade.hold');
    assert.equal(held.info.relationContext.orderId, placed.id);
    assert.equal(held.info.relationContext.symbol, 'BTC-USDT');

    await me.rest.cancelOrder(placed.id, 'BTC/USDT');
    // The release may arrive before this watch starts: ccxt keeps it in pro.balance.
    const released = await watchFor(() => pro.watchBalance(), (b) => b.USDT?.used === 0,
      async () => {}, { cached: () => pro.balance?.trade });
    assert.equal(released.USDT.free, 1000);

    let deposited = false;
    const credited = await watchFor(() => pro.watchBalance(), (b) => b.KCS?.free === 25,
      async () => {
        if (!deposited) {
          deposited = true;
          await deposit(me.key.uid, 'KCS', '25');
        }
      }, { cached: () => pro.balance?.trade });
    assert.equal(credited.KCS.total, 25);
    assert.equal(credited.info.relationEvent, 'trade.deposit');
    assert.equal(credited.USDT.free, 1000);
  });
});
