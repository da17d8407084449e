// The WebSocket order API with a client written from KUCOIN-API.md
// (lib/wsapi-client.mjs, on the `ws` package): it signs in the two ways real
// clients do (the raw challenge bytes, and JSON.stringify(JSON.parse(challenge))),
// then places, amends and cancels orders that REST agrees on.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { useKcgate, okData } from '../lib/harness.mjs';
import { WsApiClient } from '../lib/wsapi-client.mjs';

// The demo market maker is off: the book holds only this file's orders.
const kc = useKcgate({ config: '[market_maker]\nenabled = false\n' });

const open = [];
after(async () => {
  for (const client of open) await client.close().catch(() => {});
});

async function trader() {
  const key = await kc.server.createKey({ permissions: 'General,Spot' });
  await kc.server.cli(['accounts', 'deposit', '--uid', String(key.uid), '--currency', 'USDT',
    '--amount', '1000', '--account', 'trade']);
  return key;
}

async function restOrder(key, orderId) {
  return okData(await kc.server.request('GET', `/api/v1/hf/orders/${orderId}?symbol=BTC-USDT`,
    { key }));
}

describe('WS API client from KUCOIN-API.md', { timeout: 60_000 }, () => {
  for (const signStyle of ['raw', 'reserialized']) {
    test(`signs in (${signStyle}), places, amends and cancels`, async () => {
      const key = await trader();
      const client = await WsApiClient.signIn(kc.server.baseUrl, key, { signStyle });
      open.push(client);
      const challenge = JSON.parse(client.challenge);
      assert.deepEqual(Object.keys(challenge), ['sessionId', 'timestamp']);
      assert.equal(client.welcome.sessionId, challenge.sessionId);
      assert.ok(client.welcome.pingInterval > 0);

      const pong = await client.request('ping', undefined, `ping-${signStyle}`);
      assert.equal(pong.op, 'pong');

      const clientOid = `node-${signStyle}-${Date.now()}`;
      const placed = await client.request('spot.order', {
        symbol: 'BTC-USDT', type: 'limit', side: 'buy', price: '30000', size: '0.001', clientOid,
      });
      assert.equal(placed.code, '200000', JSON.stringify(placed));
      assert.equal(placed.op, 'spot.order');
      assert.equal(placed.data.clientOid, clientOid);
      assert.equal(typeof placed.userRateLimit.remaining, 'number');
      const { orderId } = placed.data;
      const viaRest = await restOrder(key, orderId);
      assert.equal(viaRest.clientOid, clientOid);
      assert.equal(viaRest.price, '30000');
      assert.equal(viaRest.active, true);

      const amended = await client.request('spot.modify', {
        symbol: 'BTC-USDT', orderId, newPrice: '29500', newSize: '0.002',
      });
      assert.equal(amended.code, '200000', JSON.stringify(amended));
      const { newOrderId } = amended.data;
      assert.notEqual(newOrderId, orderId);
      const moved = await restOrder(key, newOrderId);
      assert.equal(moved.price, '29500');
      assert.equal(moved.size, '0.002');

      const canceled = await client.request('spot.cancel', { symbol: 'BTC-USDT', orderId: newOrderId });
      assert.equal(canceled.code, '200000', JSON.stringify(canceled));
      assert.deepEqual(canceled.data, { orderId: newOrderId });
      const gone = await restOrder(key, newOrderId);
      assert.equal(gone.active, false);
      assert.equal(gone.cancelExist, true);
    });
  }

  test('a wrong secret is refused with 400011, then the socket closes', async () => {
    const key = await trader();
    const client = await WsApiClient.connect(kc.server.baseUrl, key);
    const challenge = await client.next();
    client.ws.send(createHmac('sha256', 'wrong').update(challenge).digest('base64'));
    const refused = JSON.parse(await client.next());
    assert.equal(refused.code, '400011');
    assert.match(refused.msg, /^Session verification failed\./);
    assert.equal(await client.closed, 1000);
  });

  test('a bad connect signature is refused with 400005 instead of a challenge', async () => {
    const key = await trader();
    const client = await WsApiClient.connect(kc.server.baseUrl, key, { signSecret: 'nope' });
    const refused = JSON.parse(await client.next());
    assert.equal(refused.code, '400005');
    assert.equal(refused.msg, 'Invalid KC-API-SIGN.');
    assert.equal(typeof refused.inTime, 'number');
    assert.equal(await client.closed, 1000);
  });
});
