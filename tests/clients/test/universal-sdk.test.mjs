// kucoin-universal-sdk (KuCoin's official SDK), unmodified, against kcgate. It
// sends KC-API-KEY-VERSION "3" for every key and signs every call, public ones
// included; it treats any HTTP status but 200 as a transport failure.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useKcgate } from '../lib/harness.mjs';
import { universalClient } from '../lib/clients.mjs';

const kc = useKcgate();
const rest = (key) => universalClient(kc.server.baseUrl, key).restService();

// The SDK rejects with a RestError. A KuCoin error in a 200 answer is in
// getCommonResponse(); a non-200 answer is an axios error inside getError().
async function restFailure(call) {
  try {
    await call();
  } catch (e) {
    const axiosResponse = e.getError?.()?.response;
    return {
      error: e,
      httpStatus: axiosResponse?.status ?? 200,
      code: e.getCommonResponse?.()?.code ?? axiosResponse?.data?.code,
      msg: e.getCommonResponse?.()?.msg ?? axiosResponse?.data?.msg,
    };
  }
  assert.fail('expected the call to be rejected');
}

describe('kucoin-universal-sdk: spot market (public)', { timeout: 20_000 }, () => {
  test('getServerTime', async () => {
    const before = Date.now();
    const resp = await rest().getSpotService().getMarketApi().getServerTime();
    const afterCall = Date.now();
    assert.equal(resp.commonResponse.code, '200000');
    assert.ok(Number.isInteger(resp.data), `not an integer: ${resp.data}`);
    assert.ok(resp.data >= before - 1_000 && resp.data <= afterCall + 1_000,
      `server time ${resp.data} not within [${before}, ${afterCall}] ± 1 s`);
  });

  test('getServiceStatus', async () => {
    const resp = await rest().getSpotService().getMarketApi().getServiceStatus();
    assert.equal(resp.commonResponse.code, '200000');
    assert.equal(resp.status, 'open');
    assert.equal(typeof resp.msg, 'string');
  });

  // The SDK signs public calls with whatever credentials it has: public routes
  // must ignore the KC-API-* headers, even for a key the server does not know.
  test('public calls succeed whatever credentials the SDK signs them with', async () => {
    const stranger = { apiKey: '0123456789abcdef01234567', secret: 'not-a-secret', passphrase: 'nope' };
    const resp = await rest(stranger).getSpotService().getMarketApi().getServerTime();
    assert.equal(resp.commonResponse.code, '200000');
    assert.ok(Number.isInteger(resp.data));
    const key = await kc.server.createKey();
    await kc.server.revokeKey(key);
    const status = await rest(key).getSpotService().getMarketApi().getServiceStatus();
    assert.equal(status.status, 'open');
  });
});

describe('kucoin-universal-sdk: account (signed)', { timeout: 20_000 }, () => {
  test('getApikeyInfo describes the signing key', async () => {
    const key = await kc.server.createKey({ version: 3, permissions: 'General,Spot', remark: 'universal' });
    const info = await rest(key).getAccountService().getAccountApi().getApikeyInfo();
    assert.equal(info.commonResponse.code, '200000');
    assert.equal(info.apiKey, key.apiKey);
    assert.equal(info.uid, key.uid);
    assert.equal(info.apiVersion, 3);
    assert.deepEqual(info.permission.split(',').sort(), ['General', 'Spot']);
    assert.equal(info.isMaster, true);
    assert.equal(info.remark, 'universal');
    assert.equal(info.ipWhitelist, '');
    const listed = (await kc.server.listKeys()).find((k) => k.apiKey === key.apiKey);
    assert.equal(info.createdAt, listed.createdAt);
  });

  // The SDK always sends version "3" (hashed passphrase), also for older keys.
  test('a version-1 key works through the SDK\'s version-3 headers', async () => {
    const key = await kc.server.createKey({ version: 1 });
    const info = await rest(key).getAccountService().getAccountApi().getApikeyInfo();
    assert.equal(info.apiKey, key.apiKey);
    assert.equal(info.apiVersion, 1);
  });

  test('a sub-account key is reported as not master', async () => {
    const master = await kc.server.createKey();
    const sub = await kc.server.createKey({ sub: true, parent: master.uid });
    const info = await rest(sub).getAccountService().getAccountApi().getApikeyInfo();
    assert.equal(info.apiKey, sub.apiKey);
    assert.equal(info.uid, sub.uid);
    assert.equal(info.isMaster, false);
  });

  test('getAccountInfo (account summary) for a fresh master account', async () => {
    const key = await kc.server.createKey();
    const info = await rest(key).getAccountService().getAccountApi().getAccountInfo();
    assert.equal(info.commonResponse.code, '200000');
    assert.equal(info.level, 0);
    assert.equal(info.subQuantity, 0);
    assert.equal(info.maxDefaultSubQuantity, 5);
    assert.equal(info.maxSubQuantity,
      info.maxDefaultSubQuantity + info.maxSpotSubQuantity + info.maxMarginSubQuantity +
      info.maxFuturesSubQuantity + info.maxOptionSubQuantity);
    for (const field of ['spotSubQuantity', 'marginSubQuantity', 'futuresSubQuantity', 'optionSubQuantity',
      'maxSpotSubQuantity', 'maxMarginSubQuantity', 'maxFuturesSubQuantity', 'maxOptionSubQuantity']) {
      assert.equal(typeof info[field], 'number', field);
    }
  });

  test('wrong passphrase: HTTP 401, code 400004', async () => {
    const key = await kc.server.createKey();
    const failure = await restFailure(() =>
      rest({ ...key, passphrase: `${key.passphrase}x` }).getAccountService().getAccountApi().getApikeyInfo());
    assert.equal(failure.httpStatus, 401);
    assert.equal(failure.code, '400004');
  });

  test('revoked key: HTTP 401, code 400003', async () => {
    const key = await kc.server.createKey();
    const api = rest(key).getAccountService().getAccountApi();
    assert.equal((await api.getApikeyInfo()).apiKey, key.apiKey);
    await kc.server.revokeKey(key);
    const failure = await restFailure(() => api.getApikeyInfo());
    assert.equal(failure.httpStatus, 401);
    assert.equal(failure.code, '400003');
  });
});
