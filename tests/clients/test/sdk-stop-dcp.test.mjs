// kucoin-universal-sdk (KuCoin's official SDK), unmodified: stop orders
// (addStopOrder, getStopOrderByOrderId, getStopOrdersList,
// cancelStopOrderByOrderId) and dead-cancel-all (setDCP / getDCP) through the
// SDK's own request and response models.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useKcgate } from '../lib/harness.mjs';
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

describe('kucoin-universal-sdk: stop orders and dead-cancel-all', { timeout: 60_000 }, () => {
  let key;
  before(async () => {
    key = await kc.server.createKey({ permissions: 'General,Spot' });
    await deposit(key, 'USDT', '5000');
  });

  test('addStopOrder / getStopOrderByOrderId / getStopOrdersList / cancelStopOrderByOrderId', async () => {
    const orders = orderApi(key);
    const placed = await orders.addStopOrder(Order.AddStopOrderReq.create({
      clientOid: 'sdk-stop-1', side: 'buy', symbol: 'ETH-USDT', type: 'limit', price: '2100',
      size: '1', stopPrice: '2050',
    }));
    assert.match(placed.orderId, /^[0-9a-f]{24}$/);
    const got = await orders.getStopOrderByOrderId(Order.GetStopOrderByOrderIdReq.create({
      orderId: placed.orderId,
    }));
    assert.equal(got.id, placed.orderId);
    assert.equal(got.symbol, 'ETH-USDT');
    assert.equal(got.status, 'NEW');
    assert.equal(got.stop, 'loss');  // KuCoin's default
    assert.equal(got.stopPrice, '2050');
    assert.equal(got.price, '2100');
    assert.equal(got.clientOid, 'sdk-stop-1');
    const list = await orders.getStopOrdersList(Order.GetStopOrdersListReq.create({ symbol: 'ETH-USDT' }));
    assert.equal(list.totalNum, 1);
    assert.deepEqual(list.items.map((o) => o.id), [placed.orderId]);
    const canceled = await orders.cancelStopOrderByOrderId(Order.CancelStopOrderByOrderIdReq.create({
      orderId: placed.orderId,
    }));
    assert.deepEqual(canceled.cancelledOrderIds, [placed.orderId]);
    const empty = await orders.getStopOrdersList(Order.GetStopOrdersListReq.create({}));
    assert.equal(empty.totalNum, 0);
  });

  test('setDCP / getDCP, and -1 clears', async () => {
    const orders = orderApi(key);
    const set = await orders.setDCP(Order.SetDCPReq.create({ timeout: 30, symbols: 'ETH-USDT,BTC-USDT' }));
    assert.equal(set.triggerTime, set.currentTime + 30);
    const got = await orders.getDCP();
    assert.equal(got.timeout, 30);
    assert.equal(got.symbols, 'ETH-USDT,BTC-USDT');
    assert.equal(got.triggerTime, set.triggerTime);
    await orders.setDCP(Order.SetDCPReq.create({ timeout: -1 }));
    const cleared = await orders.getDCP();
    assert.equal(cleared.timeout, undefined);
  });
});
