// kucoin-universal-sdk (KuCoin's official SDK), unmodified, trading on
// kcgate's spot exchange: market data, HF orders (place, query, cancel) and
// account balances through the SDK's own request models. The SDK sends
// cancelAfter -1 on GTC orders and signs every call with version 3 headers.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useKcgate } from '../lib/harness.mjs';
import { universalClient } from '../lib/clients.mjs';

const require = createRequire(import.meta.url);
const sdk = require('kucoin-universal-sdk');
const { Order, Market } = sdk.Spot;

const kc = useKcgate();
const spot = (key) => universalClient(kc.server.baseUrl, key).restService().getSpotService();
const accountApi = (key) => universalClient(kc.server.baseUrl, key).restService()
  .getAccountService().getAccountApi();

async function deposit(key, currency, amount, account = 'trade') {
  const out = JSON.parse(await kc.server.cli(['accounts', 'deposit', '--uid', String(key.uid),
    '--currency', currency, '--amount', amount, '--account', account, '--json']));
  assert.equal(out.status, 'applied', JSON.stringify(out));
}

async function restFailure(call) {
  try {
    await call();
  } catch (e) {
    const axiosResponse = e.getError?.()?.response;
    return {
      httpStatus: axiosResponse?.status ?? 200,
      code: e.getCommonResponse?.()?.code ?? axiosResponse?.data?.code,
      msg: e.getCommonResponse?.()?.msg ?? axiosResponse?.data?.msg,
    };
  }
  assert.fail('expected the call to be rejected');
}

describe('kucoin-universal-sdk: spot market data', { timeout: 30_000 }, () => {
  test('getAllSymbols and getSymbol', async () => {
    const market = spot().getMarketApi();
    const all = await market.getAllSymbols(Market.GetAllSymbolsReq.create({}));
    assert.ok(all.data.some((s) => s.symbol === 'ETH-BTC'));
    const one = await market.getSymbol(Market.GetSymbolReq.create({ symbol: 'BTC-USDT' }));
    assert.equal(one.baseIncrement, '0.00000001');
    assert.equal(one.priceIncrement, '0.1');
    assert.equal(one.enableTrading, true);
  });

  test('getCurrency', async () => {
    const currency = await spot().getMarketApi().getCurrency(Market.GetCurrencyReq.create({ currency: 'ETH' }));
    assert.equal(currency.currency, 'ETH');
    assert.equal(currency.precision, 8);
  });

  test('an unknown pair is KuCoin\'s 400100', async () => {
    const failure = await restFailure(() => spot().getMarketApi()
      .get24hrStats(Market.Get24hrStatsReq.create({ symbol: 'NO-PE' })));
    assert.equal(failure.httpStatus, 200);
    assert.equal(failure.code, '400100');
  });
});

describe('kucoin-universal-sdk: HF orders', { timeout: 60_000 }, () => {
  let makerKey;
  let takerKey;
  before(async () => {
    makerKey = await kc.server.createKey({ permissions: 'General,Spot' });
    takerKey = await kc.server.createKey({ permissions: 'General,Spot' });
    await deposit(makerKey, 'ETH', '10');
    await deposit(takerKey, 'USDT', '5000');
  });

  test('addOrder / getOrderByOrderId / getOpenOrders / cancelOrderByOrderId', async () => {
    const orders = spot(makerKey).getOrderApi();
    const placed = await orders.addOrder(Order.AddOrderReq.create({
      clientOid: 'sdk-maker-1', side: 'sell', symbol: 'ETH-USDT', type: 'limit', price: '2000', size: '1',
    }));
    assert.match(placed.orderId, /^[0-9a-f]{24}$/);
    assert.equal(placed.clientOid, 'sdk-maker-1');

    const got = await orders.getOrderByOrderId(Order.GetOrderByOrderIdReq.create({
      orderId: placed.orderId, symbol: 'ETH-USDT',
    }));
    assert.equal(got.id, placed.orderId);
    assert.equal(got.price, '2000');
    assert.equal(got.size, '1');
    assert.equal(got.active, true);
    assert.equal(got.inOrderBook, true);
    assert.equal(got.timeInForce, 'GTC');

    const open = await orders.getOpenOrders(Order.GetOpenOrdersReq.create({ symbol: 'ETH-USDT' }));
    assert.deepEqual(open.data.map((o) => o.id), [placed.orderId]);

    const book = await spot().getMarketApi().getPartOrderBook(
      Market.GetPartOrderBookReq.create({ symbol: 'ETH-USDT', size: '20' }));
    assert.deepEqual(book.asks[0], ['2000', '1']);

    const canceled = await orders.cancelOrderByOrderId(Order.CancelOrderByOrderIdReq.create({
      orderId: placed.orderId, symbol: 'ETH-USDT',
    }));
    assert.equal(canceled.orderId, placed.orderId);
    const after = await orders.getOrderByClientOid(Order.GetOrderByClientOidReq.create({
      clientOid: 'sdk-maker-1', symbol: 'ETH-USDT',
    }));
    assert.equal(after.active, false);
    assert.equal(after.cancelExist, true);
  });

  test('addOrderSync fills; fills, closed orders, trades, klines and balances follow', async () => {
    await spot(makerKey).getOrderApi().addOrder(Order.AddOrderReq.create({
      side: 'sell', symbol: 'ETH-USDT', type: 'limit', price: '2500', size: '2',
    }));
    const taker = spot(takerKey).getOrderApi();
    const filled = await taker.addOrderSync(Order.AddOrderSyncReq.create({
      clientOid: 'sdk-taker-1', side: 'buy', symbol: 'ETH-USDT', type: 'limit', price: '2500', size: '1.5',
    }));
    assert.equal(filled.status, 'done');
    assert.equal(filled.dealSize, '1.5');

    const fills = await taker.getTradeHistory(Order.GetTradeHistoryReq.create({ symbol: 'ETH-USDT' }));
    assert.equal(fills.items.length, 1);
    assert.equal(fills.items[0].price, '2500');
    assert.equal(fills.items[0].size, '1.5');
    assert.equal(fills.items[0].funds, '3750');
    assert.equal(fills.items[0].fee, '3.75');
    assert.equal(fills.items[0].liquidity, 'taker');

    const closed = await taker.getClosedOrders(Order.GetClosedOrdersReq.create({ symbol: 'ETH-USDT' }));
    assert.equal(closed.items[0].id, filled.orderId);
    assert.equal(closed.items[0].dealFunds, '3750');

    const market = spot().getMarketApi();
    const trades = await market.getTradeHistory(Market.GetTradeHistoryReq.create({ symbol: 'ETH-USDT' }));
    assert.equal(trades.data.length, 1);
    assert.equal(trades.data[0].price, '2500');
    const now = Math.floor(Date.now() / 1000);
    const klines = await market.getKlines(Market.GetKlinesReq.create({
      symbol: 'ETH-USDT', type: '1min', startAt: now - 600, endAt: now + 60,
    }));
    assert.equal(klines.data.length, 1);
    assert.equal(klines.data[0][5], '1.5');
    const stats = await market.get24hrStats(Market.Get24hrStatsReq.create({ symbol: 'ETH-USDT' }));
    assert.equal(stats.last, '2500');

    const accounts = await accountApi(takerKey).getSpotAccountList(
      sdk.Account.Account.GetSpotAccountListReq.create({ type: 'trade' }));
    const byCurrency = Object.fromEntries(accounts.data.map((a) => [a.currency, a]));
    assert.equal(byCurrency.ETH.available, '1.5');
    assert.equal(byCurrency.USDT.balance, '1246.25');  // 5000 - 3750 - 3.75
  });

  test('a duplicate clientOid and an unaffordable order are KuCoin\'s business errors', async () => {
    const orders = spot(takerKey).getOrderApi();
    const resting = await orders.addOrder(Order.AddOrderReq.create({
      clientOid: 'sdk-rest-1', side: 'buy', symbol: 'ETH-USDT', type: 'limit', price: '1', size: '1',
    }));
    const dup = await restFailure(() => orders.addOrder(Order.AddOrderReq.create({
      clientOid: 'sdk-rest-1', side: 'buy', symbol: 'ETH-USDT', type: 'limit', price: '1', size: '1',
    })));
    assert.equal(dup.code, '400100');
    assert.equal(dup.msg, 'validation.createOrder.clientOidDuplicated');
    // KuCoin enforces uniqueness among active orders only: the filled order's
    // clientOid may name a new one, which lookups by clientOid then find.
    const reused = await orders.addOrder(Order.AddOrderReq.create({
      clientOid: 'sdk-taker-1', side: 'buy', symbol: 'ETH-USDT', type: 'limit', price: '1', size: '1',
    }));
    assert.notEqual(reused.orderId, resting.orderId);
    const found = await orders.getOrderByClientOid(Order.GetOrderByClientOidReq.create({
      clientOid: 'sdk-taker-1', symbol: 'ETH-USDT',
    }));
    assert.equal(found.id, reused.orderId);
    assert.equal(found.active, true);
    const poor = await restFailure(() => orders.addOrder(Order.AddOrderReq.create({
      side: 'buy', symbol: 'ETH-USDT', type: 'limit', price: '2000', size: '100',
    })));
    assert.equal(poor.httpStatus, 200);
    assert.equal(poor.code, '200004');
  });
});
