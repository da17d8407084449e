// ccxt's `kucoin` class, unmodified, trading on kcgate's spot exchange: market
// data, balances, orders and fills through ccxt's unified methods. Accounts are
// funded with `kcgate accounts deposit`.
//
// kcgate is a spot exchange: ccxt is told to load spot markets only
// (options.fetchMarkets.types) and not to ask for margin symbols
// (loadMarkets param `marginables: false`), as a user of a spot-only venue
// configures it; everything else is ccxt's default behaviour.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ccxt from 'ccxt';
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

async function deposit(key, currency, amount, account = 'trade') {
  const out = JSON.parse(await kc.server.cli(['accounts', 'deposit', '--uid', String(key.uid),
    '--currency', currency, '--amount', amount, '--account', account, '--json']));
  assert.equal(out.status, 'applied', JSON.stringify(out));
}

async function rejection(call) {
  try {
    await call();
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to be rejected');
}

describe('ccxt kucoin: spot exchange', { timeout: 60_000 }, () => {
  let maker;
  let taker;
  let makerKey;
  let takerKey;
  let restingId;
  before(async () => {
    makerKey = await kc.server.createKey({ permissions: 'General,Spot' });
    takerKey = await kc.server.createKey({ permissions: 'General,Spot' });
    await deposit(makerKey, 'BTC', '1');
    await deposit(takerKey, 'USDT', '1000');
    maker = await client(makerKey);
    taker = await client(takerKey);
  });

  test('loadMarkets: the configured symbols with KuCoin precisions and limits', async () => {
    const exchange = await client();
    const m = exchange.markets['BTC/USDT'];
    assert.ok(m, 'BTC/USDT missing');
    assert.equal(m.id, 'BTC-USDT');
    assert.equal(m.spot, true);
    assert.equal(m.active, true);
    assert.equal(m.precision.amount, 0.00000001);
    assert.equal(m.precision.price, 0.1);
    assert.equal(m.limits.amount.min, 0.00001);
    assert.equal(m.limits.cost.min, 0.1);
    for (const symbol of ['ETH/USDT', 'ETH/BTC', 'SOL/USDT', 'KCS/USDT']) assert.ok(exchange.markets[symbol], symbol);
  });

  test('createOrder (limit), fetchOpenOrders, fetchOrderBook', async () => {
    const order = await maker.createOrder('BTC/USDT', 'limit', 'sell', 0.01, 30000);
    assert.match(order.id, /^[0-9a-f]{24}$/);
    restingId = order.id;
    const open = await maker.fetchOpenOrders('BTC/USDT');
    assert.deepEqual(open.map((o) => o.id), [restingId]);
    assert.equal(open[0].price, 30000);
    assert.equal(open[0].amount, 0.01);
    assert.equal(open[0].side, 'sell');
    assert.equal(open[0].status, 'open');
    const book = await taker.fetchOrderBook('BTC/USDT');
    assert.deepEqual(book.asks[0], [30000, 0.01]);
    assert.deepEqual(book.bids, []);
    assert.equal(typeof book.nonce, 'number');
  });

  test('createOrder (market) fills against the book; fetchOrder shows it closed', async () => {
    const placed = await taker.createOrder('BTC/USDT', 'market', 'buy', 0.004);
    const order = await taker.fetchOrder(placed.id, 'BTC/USDT');
    assert.equal(order.status, 'closed');
    assert.equal(order.filled, 0.004);
    assert.equal(order.cost, 120);
    assert.equal(order.fee.cost, 0.12);
    assert.equal(order.fee.currency, 'USDT');
  });

  test('fetchTrades, fetchTicker(s) and fetchOHLCV see the trade', async () => {
    const trades = await taker.fetchTrades('BTC/USDT');
    assert.equal(trades.length, 1);
    assert.equal(trades[0].price, 30000);
    assert.equal(trades[0].amount, 0.004);
    assert.equal(trades[0].side, 'buy');
    assert.ok(Math.abs(trades[0].timestamp - Date.now()) < 60_000, `timestamp ${trades[0].timestamp}`);

    const ticker = await taker.fetchTicker('BTC/USDT');
    assert.equal(ticker.last, 30000);
    assert.equal(ticker.ask, 30000);
    assert.equal(ticker.baseVolume, 0.004);
    const tickers = await taker.fetchTickers(['BTC/USDT', 'ETH/USDT']);
    assert.equal(tickers['BTC/USDT'].last, 30000);
    assert.ok('ETH/USDT' in tickers);

    const candles = await taker.fetchOHLCV('BTC/USDT', '1m', Date.now() - 10 * 60_000);
    assert.ok(candles.length >= 1);
    const [time, open, high, low, close, volume] = candles[candles.length - 1];
    assert.equal(time % 60_000, 0);
    assert.deepEqual([open, high, low, close, volume], [30000, 30000, 30000, 30000, 0.004]);
  });

  test('fetchBalance and fetchMyTrades after the fill', async () => {
    const balance = await taker.fetchBalance();
    assert.equal(balance.BTC.free, 0.004);
    assert.equal(balance.USDT.total, 879.88);
    assert.equal(balance.USDT.used, 0);
    const makerBalance = await maker.fetchBalance();
    assert.equal(makerBalance.BTC.used, 0.006);
    assert.equal(makerBalance.BTC.free, 0.99);

    const mine = await taker.fetchMyTrades('BTC/USDT');
    assert.equal(mine.length, 1);
    assert.equal(mine[0].price, 30000);
    assert.equal(mine[0].amount, 0.004);
    assert.equal(mine[0].takerOrMaker, 'taker');
    assert.equal(mine[0].fee.cost, 0.12);
  });

  test('cancelOrder, fetchClosedOrders', async () => {
    await maker.cancelOrder(restingId, 'BTC/USDT');
    assert.deepEqual(await maker.fetchOpenOrders('BTC/USDT'), []);
    const closed = await maker.fetchClosedOrders('BTC/USDT');
    const mine = closed.find((o) => o.id === restingId);
    assert.ok(mine, 'canceled order not among the closed ones');
    assert.equal(mine.status, 'canceled');
    assert.equal(mine.filled, 0.004);
  });

  test('cancelAllOrders', async () => {
    await maker.createOrder('BTC/USDT', 'limit', 'sell', 0.001, 40000);
    await maker.createOrder('BTC/USDT', 'limit', 'sell', 0.001, 41000);
    assert.equal((await maker.fetchOpenOrders('BTC/USDT')).length, 2);
    await maker.cancelAllOrders('BTC/USDT');
    assert.deepEqual(await maker.fetchOpenOrders('BTC/USDT'), []);
  });

  test('rejections come back as ccxt\'s exception classes', async () => {
    const poor = await rejection(() => taker.createOrder('BTC/USDT', 'limit', 'buy', 1, 30000));
    assert.ok(poor instanceof ccxt.InsufficientFunds, `${poor.constructor.name}: ${poor.message}`);
    assert.match(poor.message, /200004/);
    const missing = await rejection(() => taker.fetchOrder('0123456789abcdef01234567', 'BTC/USDT'));
    assert.ok(missing instanceof ccxt.OrderNotFound || missing instanceof ccxt.BadRequest,
      `${missing.constructor.name}: ${missing.message}`);
    assert.match(missing.message, /order not exist/);
  });
});
