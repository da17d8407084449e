// kucoin-node-sdk (KuCoin's previous official SDK), unmodified, against kcgate.
// It sends KC-API-KEY-VERSION 2, signs every call (public ones too), and sends
// a path without a query with a bare "?" (`/api/v2/user-info?`) that it signs
// without the "?". It never throws on an error answer: it returns the body.
// Its configuration is module state, so the tests in this file run in order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useKcgate } from '../lib/harness.mjs';
import { nodeSdk, nodeSdkHttp } from '../lib/clients.mjs';

const kc = useKcgate();
const api = (key) => nodeSdk(kc.server.baseUrl, key);

describe('kucoin-node-sdk', { timeout: 20_000 }, () => {
  test('Others.getTimestamp', async () => {
    const before = Date.now();
    const res = await api().rest.Others.getTimestamp();
    const afterCall = Date.now();
    assert.equal(res.code, '200000');
    assert.ok(Number.isInteger(res.data), `not an integer: ${res.data}`);
    assert.ok(res.data >= before - 1_000 && res.data <= afterCall + 1_000,
      `server time ${res.data} not within [${before}, ${afterCall}] ± 1 s`);
  });

  test('Others.getStatus', async () => {
    const res = await api().rest.Others.getStatus();
    assert.equal(res.code, '200000');
    assert.equal(res.data.status, 'open');
    assert.equal(typeof res.data.msg, 'string');
  });

  test('public calls succeed though the SDK signs them with an unknown key', async () => {
    const stranger = { apiKey: '0123456789abcdef01234567', secret: 'not-a-secret', passphrase: 'nope' };
    const res = await api(stranger).rest.Others.getTimestamp();
    assert.equal(res.code, '200000');
    assert.ok(Number.isInteger(res.data));
  });

  test('User.Account.getAccountSummaryInfo (GET /api/v2/user-info?)', async () => {
    const key = await kc.server.createKey();
    const res = await api(key).rest.User.Account.getAccountSummaryInfo();
    assert.equal(res.code, '200000', JSON.stringify(res));
    assert.equal(res.data.level, 0);
    assert.equal(res.data.subQuantity, 0);
    assert.equal(res.data.maxDefaultSubQuantity, 5);
    assert.equal(typeof res.data.maxSubQuantity, 'number');
  });

  // No helper for GET /api/v1/user/api-key in this SDK: its own HTTP client,
  // with its own signing, as its helpers use it.
  test('GET /api/v1/user/api-key through the SDK\'s signed HTTP client', async () => {
    const key = await kc.server.createKey({ version: 2, permissions: 'General,Spot', remark: 'node-sdk' });
    api(key);
    const res = await nodeSdkHttp().GET('/api/v1/user/api-key');
    assert.equal(res.code, '200000', JSON.stringify(res));
    assert.equal(res.data.apiKey, key.apiKey);
    assert.equal(res.data.uid, key.uid);
    assert.equal(res.data.apiVersion, 2);
    assert.equal(res.data.permission, 'General,Spot');
    assert.equal(res.data.isMaster, true);
    assert.equal(res.data.remark, 'node-sdk');
  });

  test('a version-3 key works through the SDK\'s version-2 headers', async () => {
    const key = await kc.server.createKey({ version: 3 });
    const res = await api(key).rest.User.Account.getAccountSummaryInfo();
    assert.equal(res.code, '200000', JSON.stringify(res));
  });

  test('wrong passphrase: 400004', async () => {
    const key = await kc.server.createKey();
    const res = await api({ ...key, passphrase: `${key.passphrase}x` }).rest.User.Account.getAccountSummaryInfo();
    assert.equal(res.code, '400004', JSON.stringify(res));
  });

  test('revoked key: 400003', async () => {
    const key = await kc.server.createKey();
    assert.equal((await api(key).rest.User.Account.getAccountSummaryInfo()).code, '200000');
    await kc.server.revokeKey(key);
    const res = await api(key).rest.User.Account.getAccountSummaryInfo();
    assert.equal(res.code, '400003', JSON.stringify(res));
  });
});
