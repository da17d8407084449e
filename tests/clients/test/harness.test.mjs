// The harness's own raw client, which tests use for what the libraries hide:
// its signing must match what kcgate accepts, for every header version.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useKcgate, okData } from '../lib/harness.mjs';

const kc = useKcgate();

describe('harness raw client', { timeout: 20_000 }, () => {
  test('kcgate is listening on 127.0.0.1 at a real port', async () => {
    assert.match(kc.server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(kc.server.port > 0);
    const data = okData(await kc.server.request('GET', '/api/v1/timestamp'));
    assert.ok(Math.abs(data - Date.now()) < 5_000);
  });

  test('signHeaders is accepted for header versions absent, 1, 2 and 3', async () => {
    const key = await kc.server.createKey({ version: 2 });
    for (const version of [null, '1', '2', '3']) {
      const data = okData(await kc.server.request('GET', '/api/v1/user/api-key', { key, version }));
      assert.equal(data.apiKey, key.apiKey, `version ${version}`);
    }
  });

  test('created keys are listed, revoked keys marked disabled', async () => {
    const key = await kc.server.createKey({ remark: 'listed' });
    let row = (await kc.server.listKeys()).find((k) => k.apiKey === key.apiKey);
    assert.equal(row.uid, key.uid);
    assert.equal(row.enabled, true);
    await kc.server.revokeKey(key);
    row = (await kc.server.listKeys()).find((k) => k.apiKey === key.apiKey);
    assert.equal(row.enabled, false);
    const res = await kc.server.request('GET', '/api/v1/user/api-key', { key });
    assert.equal(res.status, 401);
    assert.equal(res.body.code, '400003');
  });
});
