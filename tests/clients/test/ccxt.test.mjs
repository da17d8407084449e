// ccxt's `kucoin` class, unmodified, against kcgate: public calls, and private
// calls signed by ccxt itself (KC-API-KEY-VERSION "2" and ccxt's partner headers).
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import ccxt from 'ccxt';
import { useKcgate } from '../lib/harness.mjs';
import { ccxtKucoin } from '../lib/clients.mjs';

const kc = useKcgate();
const exchanges = [];
function client(key, options) {
  const exchange = ccxtKucoin(kc.server.baseUrl, key, options);
  exchanges.push(exchange);
  return exchange;
}
after(async () => {
  await Promise.all(exchanges.map((e) => e.close()));
});

// Runs `call` and returns the error it throws (failing if it does not throw).
async function rejection(call) {
  try {
    await call();
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to be rejected');
}

describe('ccxt kucoin: public', { timeout: 20_000 }, () => {
  test('fetchTime returns the server clock in ms', async () => {
    const before = Date.now();
    const time = await client().fetchTime();
    const afterCall = Date.now();
    assert.equal(typeof time, 'number');
    assert.ok(Number.isInteger(time), `not an integer: ${time}`);
    assert.ok(time >= before - 1_000 && time <= afterCall + 1_000,
      `server time ${time} not within [${before}, ${afterCall}] ± 1 s`);
  });

  test('fetchStatus reports the exchange open', async () => {
    const status = await client().fetchStatus();
    assert.equal(status.status, 'ok');
    assert.equal(status.info.code, '200000');
    assert.equal(status.info.data.status, 'open');
    assert.equal(typeof status.info.data.msg, 'string');
  });
});

describe('ccxt kucoin: signed calls', { timeout: 20_000 }, () => {
  test('privateGetUserApiKey (GET /api/v1/user/api-key) describes the signing key', async () => {
    const key = await kc.server.createKey({ version: 3, permissions: 'General,Spot', remark: 'ccxt-test' });
    const res = await client(key).privateGetUserApiKey();
    assert.equal(res.code, '200000');
    const d = res.data;
    assert.equal(d.apiKey, key.apiKey);
    assert.equal(d.uid, key.uid);
    assert.equal(d.apiVersion, 3);
    assert.deepEqual(d.permission.split(',').sort(), ['General', 'Spot']);
    assert.equal(d.isMaster, true);
    assert.equal(d.remark, 'ccxt-test');
    assert.equal(d.ipWhitelist, '');
    const listed = (await kc.server.listKeys()).find((k) => k.apiKey === key.apiKey);
    assert.equal(d.createdAt, listed.createdAt);
  });

  test('privateGetUserInfo (GET /api/v2/user-info) answers for the key\'s user', async () => {
    const key = await kc.server.createKey();
    const res = await client(key).privateGetUserInfo();
    assert.equal(res.code, '200000');
    const d = res.data;
    // A fresh master account: VIP 0, no sub-accounts, KuCoin's default quota of 5.
    assert.equal(d.level, 0);
    assert.equal(d.subQuantity, 0);
    assert.equal(d.maxDefaultSubQuantity, 5);
    assert.equal(d.maxSubQuantity,
      d.maxDefaultSubQuantity + d.maxSpotSubQuantity + d.maxMarginSubQuantity +
      d.maxFuturesSubQuantity + d.maxOptionSubQuantity);
    for (const field of ['spotSubQuantity', 'marginSubQuantity', 'futuresSubQuantity', 'optionSubQuantity']) {
      assert.equal(d[field], 0, field);
    }
  });

  // ccxt sends KC-API-KEY-VERSION "2" (hashed passphrase) whatever the key's version.
  for (const version of [1, 2]) {
    test(`a version-${version} key works through ccxt's version-2 headers`, async () => {
      const key = await kc.server.createKey({ version });
      const res = await client(key).privateGetUserApiKey();
      assert.equal(res.data.apiKey, key.apiKey);
      assert.equal(res.data.apiVersion, version);
    });
  }

  // A wrong secret breaks both the signature and, for header versions 2 and 3,
  // the passphrase (sent as HMAC(secret, passphrase)). kcgate checks the
  // passphrase first (KUCOIN-API.md, gateway code order), so ccxt's default
  // version-2 headers get 400004; with a version-1 header ccxt sends the
  // passphrase as is and only the signature is wrong: 400005.
  test('wrong secret: AuthenticationError (400004 with ccxt\'s v2 headers, 400005 with v1)', async () => {
    const key = await kc.server.createKey();
    const wrong = { ...key, secret: key.secret.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) };
    const exchange = client(wrong);

    const hashed = await rejection(() => exchange.privateGetUserApiKey());
    assert.ok(hashed instanceof ccxt.AuthenticationError, `got ${hashed?.constructor?.name}: ${hashed?.message}`);
    assert.match(hashed.message, /"code":"400004"/);

    const plain = await rejection(() => exchange.request('user/api-key', 'private', 'GET', {},
      { 'KC-API-KEY-VERSION': '1' }));
    assert.ok(plain instanceof ccxt.AuthenticationError, `got ${plain?.constructor?.name}: ${plain?.message}`);
    assert.match(plain.message, /"code":"400005"/);
  });

  test('right secret with a version-1 header (plain passphrase) is accepted', async () => {
    const key = await kc.server.createKey();
    const res = await client(key).request('user/api-key', 'private', 'GET', {}, { 'KC-API-KEY-VERSION': '1' });
    assert.equal(res.data.apiKey, key.apiKey);
  });

  test('wrong passphrase: AuthenticationError with 400004', async () => {
    const key = await kc.server.createKey();
    const err = await rejection(() => client({ ...key, passphrase: `${key.passphrase}x` }).privateGetUserApiKey());
    assert.ok(err instanceof ccxt.AuthenticationError, `got ${err?.constructor?.name}: ${err?.message}`);
    assert.match(err.message, /"code":"400004"/);
  });

  test('unknown key: AuthenticationError with 400003', async () => {
    const key = await kc.server.createKey();
    const err = await rejection(() => client({ ...key, apiKey: '0123456789abcdef01234567' }).privateGetUserApiKey());
    assert.ok(err instanceof ccxt.AuthenticationError, `got ${err?.constructor?.name}: ${err?.message}`);
    assert.match(err.message, /"code":"400003"/);
  });

  test('revoked key: AuthenticationError with 400003', async () => {
    const key = await kc.server.createKey();
    const exchange = client(key);
    assert.equal((await exchange.privateGetUserApiKey()).data.apiKey, key.apiKey);
    await kc.server.revokeKey(key);
    const err = await rejection(() => exchange.privateGetUserApiKey());
    assert.ok(err instanceof ccxt.AuthenticationError, `got ${err?.constructor?.name}: ${err?.message}`);
    assert.match(err.message, /"code":"400003"/);
  });

  test('every key has General, as on KuCoin, whatever it was created with', async () => {
    const key = await kc.server.createKey({ permissions: 'Spot' });
    const res = await client(key).privateGetUserApiKey();
    assert.equal(res.data.permission, 'General,Spot');
  });

  test('IP whitelist: allowed from 127.0.0.1, refused elsewhere with 400006', async () => {
    const allowed = await kc.server.createKey({ ip: '127.0.0.1' });
    const res = await client(allowed).privateGetUserApiKey();
    assert.equal(res.data.ipWhitelist, '127.0.0.1');

    const other = await kc.server.createKey({ ip: '10.1.2.3' });
    const err = await rejection(() => client(other).privateGetUserApiKey());
    assert.ok(err instanceof ccxt.AuthenticationError, `got ${err?.constructor?.name}: ${err?.message}`);
    assert.match(err.message, /"code":"400006"/);
    assert.match(err.message, /127\.0\.0\.1/, 'the 400006 message carries the client IP');
  });
});

describe('ccxt kucoin with its default options', { timeout: 30_000 }, () => {
  test('loadMarkets asks for every product list and gets the spot markets', async () => {
    const key = await kc.server.createKey({ permissions: 'General,Spot' });
    // No fetchMarkets.types, no marginables: false. ccxt then also lists
    // margin symbols and futures contracts (none on kcgate) and reads the
    // account mode.
    const exchange = ccxtKucoin(kc.server.baseUrl, key);
    try {
      const markets = await exchange.loadMarkets();
      assert.ok(markets['BTC/USDT'], 'BTC/USDT missing');
      assert.equal(markets['BTC/USDT'].spot, true);
      assert.equal(markets['BTC/USDT'].margin, false);
      assert.ok(Object.values(markets).every((m) => m.spot), 'only spot markets exist');
      assert.ok(markets['ETH/BTC']);
    } finally {
      await exchange.close();
    }
  });
});
