// ccxt pro (ccxt's WebSocket `kucoin` class), unmodified, against kcgate's
// public push topics: it asks POST /api/v1/bullet-public for a token and the
// WebSocket endpoint, then subscribes. The market data comes from real orders
// placed through ccxt's REST client by funded users (kcgate accounts deposit).
// Each test trades its own symbol, so their books do not mix.
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

// A user with a Spot key and `amounts` ({ USDT: '100000', ... }) in the trade
// account, with ccxt's REST client; waits until the deposits show.
async function trader(amounts) {
  const key = await kc.server.createKey({ permissions: 'General,Spot' });
  for (const [currency, amount] of Object.entries(amounts)) {
    await kc.server.cli(['accounts', 'deposit', '--uid', String(key.uid), '--currency', currency,
      '--amount', amount, '--account', 'trade']);
  }
  const rest = await restClient(key);
  await waitUntil(async () => {
    const balance = await rest.fetchBalance();
    return Object.entries(amounts).every(([c, a]) => balance[c]?.free === Number(a));
  }, { what: `deposits of ${JSON.stringify(amounts)} for uid ${key.uid}` });
  return { key, rest };
}

// Whether ccxt holds the server's ack of its subscription to `topic`: ccxt
// keeps a request id pointing at the topic until the ack arrives.
function acked(pro, topic) {
  return Object.values(pro.clients).some((client) => topic in client.subscriptions &&
    !Object.entries(client.subscriptions).some(([id, hash]) => hash === topic && id !== topic));
}

// Resolves `watch()` while `poke()` keeps generating events (a subscription
// only sees what happens after it is in place); at most `tries` pokes.
async function watchWhile(watch, poke, { tries = 60, every = 100 } = {}) {
  const watching = watch();
  let done = false;
  const result = watching.then((value) => {
    done = true;
    return value;
  });
  for (let i = 0; i < tries && !done; i++) {
    await Promise.race([result, sleep(every)]);
    if (!done) await poke(i);
  }
  return result;
}

const bookSide = (levels) => levels.map(([price, amount]) => [price, amount]);

describe('ccxt pro kucoin: public topics', { timeout: 60_000 }, () => {
  test('watchTicker (/market/snapshot) shows the last trade and the best prices', async () => {
    const maker = await trader({ SOL: '100', USDT: '100000' });
    const taker = await trader({ USDT: '100000' });
    await maker.rest.createOrder('SOL/USDT', 'limit', 'sell', 2, 150);
    await maker.rest.createOrder('SOL/USDT', 'limit', 'buy', 1, 140);
    await taker.rest.createOrder('SOL/USDT', 'limit', 'buy', 0.5, 150);
    const pro = await proClient();
    const ticker = await pro.watchTicker('SOL/USDT');
    assert.equal(ticker.symbol, 'SOL/USDT');
    assert.equal(ticker.last, 150);
    assert.equal(ticker.bid, 140);
    assert.equal(ticker.ask, 150);
    assert.equal(ticker.baseVolume, 0.5);
    assert.equal(ticker.quoteVolume, 75);
    assert.equal(ticker.info.symbol, 'SOL-USDT');
    assert.equal(ticker.info.askSize, 1.5);
    assert.ok(Math.abs(ticker.timestamp - Date.now()) < 10_000, `timestamp ${ticker.timestamp}`);
  });

  test('watchTicker with /market/ticker follows the best bid', async () => {
    const maker = await trader({ KCS: '1000', USDT: '100000' });
    await maker.rest.createOrder('KCS/USDT', 'limit', 'sell', 10, 12);
    const pro = await proClient(undefined, { watchTicker: { spotMethod: '/market/ticker' } });
    let price = 9;
    const ticker = await watchWhile(
      async () => {
        for (;;) {
          const t = await pro.watchTicker('KCS/USDT');
          if (t.bid === price) return t;
        }
      },
      async () => {
        price += 0.5;
        await maker.rest.createOrder('KCS/USDT', 'limit', 'buy', 1, price);
      });
    assert.equal(ticker.symbol, 'KCS/USDT');
    assert.equal(ticker.ask, 12);
    assert.equal(ticker.askVolume, 10);
    assert.equal(ticker.bidVolume, 1);
    assert.equal(typeof ticker.info.sequence, 'string');
  });

  test('watchOrderBook stays equal to fetchOrderBook over many updates', async () => {
    const a = await trader({ BTC: '100', USDT: '10000000' });
    const b = await trader({ BTC: '100', USDT: '10000000' });
    const pro = await proClient();
    const rest = await restClient();
    const open = [];
    let n = 0;
    // ccxt loads the REST snapshot after a few increments and replays the rest.
    await watchWhile(() => pro.watchOrderBook('BTC/USDT'), async () => {
      n++;
      const order = await a.rest.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 40000 + 10 * n);
      open.push({ owner: a, id: order.id });
    });
    // Random activity: new levels, cancels, crossing orders from both users.
    let seed = 12345;
    const random = (k) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    const synced = async (what) => {
      await waitUntil(async () => {
        const snapshot = await rest.fetchOrderBook('BTC/USDT');
        const book = pro.orderbooks['BTC/USDT'];
        const same = book.nonce === snapshot.nonce &&
          JSON.stringify(bookSide(book.bids)) === JSON.stringify(snapshot.bids) &&
          JSON.stringify(bookSide(book.asks)) === JSON.stringify(snapshot.asks);
        return { done: same, ws: book.nonce, rest: snapshot.nonce };
      }, { timeoutMs: 5_000, intervalMs: 100, what });
    };
    for (let i = 0; i < 150; i++) {
      const who = random(2) ? a : b;
      const r = random(10);
      if (r < 5) {
        const side = random(2) ? 'buy' : 'sell';
        const price = side === 'buy' ? 40000 + 10 * random(40) : 40500 + 10 * random(40);
        const order = await who.rest.createOrder('BTC/USDT', 'limit', side, (1 + random(9)) / 1000,
          price);
        open.push({ owner: who, id: order.id });
      } else if (r < 8 && open.length) {
        const { owner, id } = open.splice(random(open.length), 1)[0];
        try {
          await owner.rest.cancelOrder(id, 'BTC/USDT');
        } catch (e) {
          // Filled meanwhile: KuCoin refuses to cancel a done order.
          if (!/400100|order|not exist/i.test(e.message)) throw e;
        }
      } else {
        const side = random(2) ? 'buy' : 'sell';
        await who.rest.createOrder('BTC/USDT', 'market', side, (1 + random(5)) / 1000);
      }
      if (i % 50 === 49) await synced(`the book after ${i + 1} commands`);
    }
    // Ten fresh levels a side, then the whole book once more.
    for (let k = 0; k < 10; k++) {
      await a.rest.createOrder('BTC/USDT', 'limit', 'buy', 0.002, 39000 + 10 * k);
      await b.rest.createOrder('BTC/USDT', 'limit', 'sell', 0.002, 42000 + 10 * k);
    }
    await synced('the final book');
    const book = pro.orderbooks['BTC/USDT'];
    assert.ok(book.nonce > 100, `nonce ${book.nonce}`);  // level changes seen
    assert.ok(book.bids.length >= 10 && book.asks.length >= 10,
      `${book.bids.length} bids, ${book.asks.length} asks`);
  });

  test('watchTrades delivers each trade with price, amount, side and ids', async () => {
    const maker = await trader({ ETH: '100' });
    const taker = await trader({ USDT: '100000' });
    const pro = await proClient();
    const ask = await maker.rest.createOrder('ETH/USDT', 'limit', 'sell', 1, 3000);
    let bought;
    const trades = await watchWhile(() => pro.watchTrades('ETH/USDT'), async () => {
      // One trade, once the subscription is in place.
      if (!bought && acked(pro, '/market/match:ETH-USDT')) {
        bought = await taker.rest.createOrder('ETH/USDT', 'limit', 'buy', 0.25, 3000);
      }
    });
    assert.ok(trades.length >= 1);
    const trade = trades[trades.length - 1];
    assert.equal(trade.symbol, 'ETH/USDT');
    assert.equal(trade.price, 3000);
    assert.equal(trade.amount, 0.25);
    assert.equal(trade.side, 'buy');
    assert.equal(trade.info.makerOrderId, ask.id);
    assert.equal(trade.info.takerOrderId, bought.id);
    assert.match(trade.id, /^\d+$/);
    assert.ok(Math.abs(trade.timestamp - Date.now()) < 10_000, `timestamp ${trade.timestamp}`);
    // The same trade in the REST history.
    const history = await (await restClient()).fetchTrades('ETH/USDT');
    assert.ok(history.some((t) => t.price === 3000 && t.amount === 0.25),
      JSON.stringify(history.map((t) => t.info)));
  });
});
