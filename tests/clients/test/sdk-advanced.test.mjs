// kucoin-universal-sdk (KuCoin's official SDK), unmodified: the private
// /spotMarket/advancedOrders topic (its stopOrder subscription and
// StopOrderEvent model) for a stop order placed, triggered by a trade and
// canceled by dead-cancel-all; a triggered stop order read back as TRIGGERED
// with the order it placed under its id.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useKcgate, waitUntil } from '../lib/harness.mjs';
import { universalClient } from '../lib/clients.mjs';

const require = createRequire(import.meta.url);
const sdk = require('kucoin-universal-sdk');
const { Order } = sdk.Spot;

const kc = useKcgate();
const orderApi = (key) => universalClient(kc.server.baseUrl, key).restService()
  .getSpotService().getOrderApi();

async function deposit(key, currency, amount) {
  const out = JSON.parse(await kc.server.cli(['accounts', 'deposit', '--uid', String(key.uid),
    '--currency', currency, '--amount', amount, '--account', 'trade', '--json']));
  assert.equal(out.status, 'applied', JSON.stringify(out));
}

describe('kucoin-universal-sdk: /spotMarket/advancedOrders', { timeout: 60_000 }, () => {
  let key;
  let other;
  let spot;
  const events = [];
  before(async () => {
    key = await kc.server.createKey({ permissions: 'General,Spot' });
    other = await kc.server.createKey({ permissions: 'General,Spot' });
    await deposit(key, 'USDT', '5000');
    await deposit(other, 'ETH', '10');
    await deposit(other, 'USDT', '5000');
    const option = new sdk.WebSocketClientOptionBuilder().withReconnect(false).build();
    spot = universalClient(kc.server.baseUrl, key, { websocket: option }).wsService()
      .newSpotPrivateWS();
    await spot.start();
    const id = await spot.stopOrder((topic, subject, data) => events.push({ topic, subject, data }));
    assert.equal(id, '/spotMarket/advancedOrders@@EMPTY_ARGS');
  });
  after(() => spot?.stop());

  const seen = (orderId, type) => events.find((e) => e.data.orderId === orderId && e.data.type === type);

  test('open, then triggered by a trade: kept as TRIGGERED with the order it placed', async () => {
    const orders = orderApi(key);
    const placed = await orders.addStopOrder(Order.AddStopOrderReq.create({
      clientOid: 'adv-1', side: 'buy', symbol: 'ETH-USDT', type: 'limit', price: '2100',
      size: '1', stopPrice: '2000',  // a buy's loss stop: at or above 2000 (the SDK sends no stop)
    }));
    await waitUntil(() => seen(placed.orderId, 'open'), { what: 'the open message' });
    const open = seen(placed.orderId, 'open');
    assert.equal(open.topic, '/spotMarket/advancedOrders');
    assert.equal(open.subject, 'stopOrder');
    assert.equal(open.data.symbol, 'ETH-USDT');
    assert.equal(open.data.orderType, 'stop');
    assert.equal(open.data.side, 'buy');
    assert.equal(open.data.stop, 'loss');
    assert.equal(open.data.stopPrice, '2000');
    assert.equal(open.data.orderPrice, '2100');
    assert.equal(open.data.size, '1');
    assert.equal(open.data.tradeType, 'TRADE');

    // Another user trades at 2000: the stop order triggers.
    const others = orderApi(other);
    await others.addOrderSync(Order.AddOrderSyncReq.create({
      side: 'sell', symbol: 'ETH-USDT', type: 'limit', price: '2000', size: '0.01',
    }));
    await others.addOrderSync(Order.AddOrderSyncReq.create({
      side: 'buy', symbol: 'ETH-USDT', type: 'limit', price: '2000', size: '0.01',
    }));
    await waitUntil(() => seen(placed.orderId, 'triggered'), { what: 'the triggered message' });
    const stop = await orders.getStopOrderByOrderId(Order.GetStopOrderByOrderIdReq.create({
      orderId: placed.orderId,
    }));
    assert.equal(stop.status, 'TRIGGERED');
    assert.ok(stop.stopTriggerTime > 0);
    const byOid = await orders.getStopOrderByClientOid(Order.GetStopOrderByClientOidReq.create({
      clientOid: 'adv-1',
    }));
    assert.equal(byOid.data[0].status, 'TRIGGERED');
    // The order it placed has the stop order's id.
    const order = await orders.getOrderByOrderId(Order.GetOrderByOrderIdReq.create({
      orderId: placed.orderId, symbol: 'ETH-USDT',
    }));
    assert.equal(order.id, placed.orderId);
    assert.equal(order.price, '2100');
  });

  test('dead-cancel-all cancels an untriggered stop order, and the topic says so', async () => {
    const orders = orderApi(key);
    const placed = await orders.addStopOrder(Order.AddStopOrderReq.create({
      side: 'buy', symbol: 'ETH-USDT', type: 'limit', price: '2100', size: '0.5',
      stopPrice: '2500',
    }));
    await orders.setDCP(Order.SetDCPReq.create({ timeout: 5, symbols: 'ETH-USDT' }));
    await waitUntil(() => seen(placed.orderId, 'cancel'),
      { timeoutMs: 15_000, what: 'the cancel message' });
    const list = await orders.getStopOrdersList(Order.GetStopOrdersListReq.create({ symbol: 'ETH-USDT' }));
    assert.equal(list.totalNum, 0);
  });
});
