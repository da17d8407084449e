// The push transport with KuCoin's own WebSocket clients, unmodified: the
// official SDK (kucoin-universal-sdk, its wsService) and the previous one
// (kucoin-node-sdk, its Datafeed). Each fetches its token and endpoint from
// POST /api/v1/bullet-public or bullet-private, connects, waits for the
// welcome, keeps the connection alive with pings and subscribes; kcgate must
// answer the way those clients require (welcome first, pong and ack ids
// echoed verbatim, error frames carrying the command's id). Market-data
// payloads are covered by ws-market / ws-private; this file proves transport.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useKcgate, waitUntil, okData } from '../lib/harness.mjs';
import { universalClient, nodeSdk } from '../lib/clients.mjs';

const require = createRequire(import.meta.url);
const sdk = require('kucoin-universal-sdk');

// A short ping interval, so the official SDK (which pings every pingInterval)
// shows its keep-alive within the test.
const kc = useKcgate({ config: '[push]\nping_interval_ms = 700\n' });

const stops = [];
after(async () => {
  for (const stop of stops) await stop().catch(() => {});
});

// The official SDK's WebSocket service with its events recorded.
function officialWs(key) {
  const events = [];
  const option = new sdk.WebSocketClientOptionBuilder()
    .withReconnect(false)
    .withWriteTimeout(5_000)
    .withDialTimeout(5_000)
    .withEventCallback((event, message) => events.push({ event, message }))
    .build();
  const ws = universalClient(kc.server.baseUrl, key, { websocket: option }).wsService();
  return { ws, events };
}

const count = (events, kind) => events.filter((e) => e.event === kind).length;

describe('kucoin-universal-sdk WebSocket', { timeout: 60_000 }, () => {
  test('bullet answers what the SDK needs to dial', async () => {
    const data = okData(await kc.server.request('POST', '/api/v1/bullet-public', {
      headers: { 'Content-Type': 'application/json' },
    }));
    const [server] = data.instanceServers;
    assert.equal(server.endpoint, `ws://127.0.0.1:${kc.server.port}/`);
    assert.equal(server.protocol, 'websocket');
    assert.equal(server.encrypt, false);
    assert.equal(server.pingInterval, 700);
    assert.equal(server.pingTimeout, 10_000);
    assert.match(data.token, /^[A-Za-z0-9_-]{40,}$/);
  });

  test('public: connects, pings, subscribes with acks, gets error frames', async () => {
    const { ws, events } = officialWs();
    const spot = ws.newSpotPublicWS();
    stops.push(() => spot.stop());
    await spot.start();
    assert.equal(count(events, sdk.WebSocketEvent.EventConnected), 1);

    // subscribe() resolves only when kcgate acks the SDK's own id
    // ("/market/ticker@@BTC-USDT,ETH-USDT"); a missing ack is a write timeout.
    const tickerId = await spot.ticker(['BTC-USDT', 'ETH-USDT'], () => {});
    assert.equal(tickerId, '/market/ticker@@BTC-USDT,ETH-USDT');
    const depthId = await spot.orderbookLevel5(['SOL-USDT'], () => {});
    assert.equal(depthId, '/spotMarket/level2Depth5@@SOL-USDT');
    const candlesId = await spot.klines('ETH-BTC', '1hour', () => {});
    assert.equal(candlesId, '/market/candles@@ETH-BTC_1hour');
    await spot.unSubscribe(tickerId);

    // Its keep-alive: a ping every pingInterval, each answered by a pong with its id.
    await waitUntil(() => count(events, sdk.WebSocketEvent.EventPongReceived) >= 2,
      { timeoutMs: 5_000, what: 'two pongs' });

    // An unknown symbol: kcgate's error frame reaches the SDK as an error event.
    await spot.trade(['NOPE-USDT'], () => {}).catch(() => {});
    await waitUntil(() => events.find((e) => e.event === sdk.WebSocketEvent.EventErrorReceived),
      { what: 'the error event' });
    const error = events.find((e) => e.event === sdk.WebSocketEvent.EventErrorReceived);
    assert.equal(error.message, 'topic does not exist');
    assert.equal(count(events, sdk.WebSocketEvent.EventDisconnected), 0);
  });

  test('private: a signed bullet-private token subscribes to private topics', async () => {
    const key = await kc.server.createKey({ permissions: 'General,Spot' });
    const { ws, events } = officialWs(key);
    const spot = ws.newSpotPrivateWS();
    stops.push(() => spot.stop());
    await spot.start();
    assert.equal(await spot.account(() => {}), '/account/balance@@EMPTY_ARGS');
    assert.equal(await spot.orderV2(() => {}), '/spotMarket/tradeOrdersV2@@EMPTY_ARGS');
    assert.equal(count(events, sdk.WebSocketEvent.EventErrorReceived), 0);
  });

  test('private topics on a public token: 403 login is required', async () => {
    // The public service subscribing a private topic is what a confused client does.
    const { ws, events } = officialWs();
    const spot = ws.newSpotPublicWS();
    stops.push(() => spot.stop());
    await spot.start();
    await spot.wsService.subscribe('/account/balance', [], { onMessage() {} }).catch(() => {});
    await waitUntil(() => events.find((e) => e.event === sdk.WebSocketEvent.EventErrorReceived),
      { what: 'the error event' });
    assert.equal(events.find((e) => e.event === sdk.WebSocketEvent.EventErrorReceived).message,
      'login is required');
  });
});

describe('kucoin-node-sdk Datafeed', { timeout: 60_000 }, () => {
  // The Datafeed reports acks and pongs only on its internal emitter
  // ("ack_<id>", "pong_<id>"): record what it emits.
  function recorded(datafeed) {
    const seen = [];
    const connect = datafeed.connectSocket;
    datafeed.connectSocket = async () => {
      const result = await connect();
      const emit = datafeed.emitter.emit.bind(datafeed.emitter);
      datafeed.emitter.emit = (name, ...args) => {
        seen.push(name);
        return emit(name, ...args);
      };
      return result;
    };
    return seen;
  }

  function close(datafeed) {
    // Stop its reconnect loop and its socket.
    datafeed.connectSocket = async () => {};
    datafeed._clearPing();
    datafeed.client?.terminate();
  }

  test('public and private feeds: welcome, acks, and the 10 s ping answered', async () => {
    const key = await kc.server.createKey({ permissions: 'General' });
    const API = nodeSdk(kc.server.baseUrl, key);

    const publicFeed = new API.websocket.Datafeed(false);
    const publicSeen = recorded(publicFeed);
    stops.push(async () => close(publicFeed));
    await publicFeed.connectSocket();
    await waitUntil(() => publicFeed.trustConnected, { what: 'the public welcome' });
    publicFeed.subscribe('/market/match:BTC-USDT', () => {});
    publicFeed.subscribe('/market/ticker:all', () => {});

    const privateFeed = new API.websocket.Datafeed(true);
    const privateSeen = recorded(privateFeed);
    stops.push(async () => close(privateFeed));
    await privateFeed.connectSocket();
    await waitUntil(() => privateFeed.trustConnected, { what: 'the private welcome' });
    privateFeed.subscribe('/account/balance', () => {}, true);
    privateFeed.subscribe('/spotMarket/tradeOrders', () => {}, true);

    await waitUntil(() => publicSeen.filter((n) => n.startsWith('ack_')).length === 2,
      { what: 'two public acks' });
    await waitUntil(() => privateSeen.filter((n) => n.startsWith('ack_')).length === 2,
      { what: 'two private acks' });
    // It pings every 10 s and drops the socket if no pong echoes the id within 5 s.
    // (Its measured round trip, `ping`, is 0 ms on loopback: watch the pong events.)
    await waitUntil(() => publicSeen.some((n) => n.startsWith('pong_'))
      && privateSeen.some((n) => n.startsWith('pong_')),
    { timeoutMs: 15_000, intervalMs: 200, what: 'a pong on each feed' });
    assert.equal(publicFeed.trustConnected, true);
    assert.equal(privateFeed.trustConnected, true);
  });
});
