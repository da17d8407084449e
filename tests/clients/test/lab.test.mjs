// The test lab (issue 13) with real clients: ccxt's adjustForTimeDifference
// against a server clock 7 s ahead, and README's 429000 recipe run exactly
// as written (its shell line through `kcgate lab`, its bot through ccxt).
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import ccxt from 'ccxt';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KCGATE_BIN, useKcgate } from '../lib/harness.mjs';
import { ccxtKucoin } from '../lib/clients.mjs';

const execFileAsync = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const kc = useKcgate();
const exchanges = [];
after(async () => {
  await Promise.all(exchanges.map((e) => e.close()));
});

async function rejection(call) {
  try {
    await call();
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to be rejected');
}

async function admin(method, path, body) {
  const res = await kc.server.admin(method, path, body);
  assert.equal(res.status, 200, `${method} ${path}: ${res.text}`);
  return res.body;
}

// The fenced block after `<!-- recipe: NAME -->` in README.md.
function recipe(readme, name) {
  const marker = `<!-- recipe: ${name} -->`;
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `README.md has no ${marker}`);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block, `no code block after ${marker}`);
  return block[1];
}

describe('test lab: the server clock', { timeout: 30_000 }, () => {
  test('7 s ahead: a correct clock gets 400002, adjustForTimeDifference succeeds', async () => {
    const key = await kc.server.createKey({ permissions: 'General,Spot' });
    await admin('POST', '/admin/v1/clock', { offset_ms: 7000 });
    try {
      const plain = ccxtKucoin(kc.server.baseUrl, key, { options: { fetchMarkets: { types: ['spot'] } } });
      exchanges.push(plain);
      const e = await rejection(async () => {
        await plain.loadMarkets(false, { marginables: false });  // its private UTA probe signs too
        await plain.fetchBalance();
      });
      assert.ok(e instanceof ccxt.InvalidNonce, `${e.constructor.name}: ${e.message}`);
      assert.match(e.message, /400002/);

      const adjusted = ccxtKucoin(kc.server.baseUrl, key, {
        options: { adjustForTimeDifference: true, fetchMarkets: { types: ['spot'] } },
      });
      exchanges.push(adjusted);
      // ccxt adjusts in fetchMarkets, after fetchCurrencies' signed UTA probe:
      // against a shifted clock a bot must load the difference first.
      await adjusted.loadTimeDifference();
      await adjusted.loadMarkets(false, { marginables: false });
      assert.ok(Math.abs(adjusted.options.timeDifference + 7000) < 1000,
        `timeDifference ${adjusted.options.timeDifference}`);
      const balance = await adjusted.fetchBalance();
      assert.ok(balance.info, 'no balance');
    } finally {
      await admin('POST', '/admin/v1/clock', { reset: true });
    }
  });
});

describe('test lab: README recipes', { timeout: 60_000 }, () => {
  test('rehearse 429000 with ccxt, then success (as written)', async () => {
    const readme = await readFile(resolve(here, '../../../README.md'), 'utf8');
    const key = await kc.server.createKey({ permissions: 'General,Spot' });
    await admin('POST', '/admin/v1/deposits',
      { uid: key.uid, currency: 'USDT', amount: '1000', account: 'trade' });
    // The shell line as written, from a directory whose ./data is this server's.
    const cwd = await mkdtemp(join(tmpdir(), 'kcgate-recipe-'));
    const bot = join(here, '..', 'lib', `.recipe-429000-${process.pid}.mjs`);
    try {
      await symlink(kc.server.dataDir, join(cwd, 'data'));
      await execFileAsync('bash', ['-euo', 'pipefail', '-c', recipe(readme, '429000 shell')], {
        cwd,
        env: { ...process.env, PATH: `${dirname(KCGATE_BIN)}:${process.env.PATH}` },
      });
      const rules = await admin('GET', '/admin/v1/faults');
      assert.equal(rules.length, 1);
      assert.equal(rules[0].action.code, '429000');

      // The bot as written (it imports ccxt from this package's node_modules).
      await writeFile(bot, recipe(readme, '429000 bot.mjs'));
      const { stdout } = await execFileAsync(process.execPath, [bot], {
        env: {
          ...process.env,
          KC_URL: kc.server.baseUrl,
          KC_KEY: key.apiKey,
          KC_SECRET: key.secret,
          KC_PASSPHRASE: key.passphrase,
        },
        timeout: 30_000,
      });
      const lines = stdout.trim().split('\n');
      assert.equal(lines.length, 3, stdout);
      // What ccxt really raises for 429000: ExchangeError, not RateLimitExceeded.
      assert.match(lines[0], /^attempt 1: ExchangeError .*429000/);
      assert.match(lines[1], /^attempt 2: ExchangeError .*429000/);
      assert.match(lines[2], /^attempt 3: placed \S+/);
      const [rule] = await admin('GET', '/admin/v1/faults');
      assert.equal(rule.hits, 2);
      assert.equal(rule.remaining, 0);
    } finally {
      await rm(cwd, { recursive: true, force: true });
      await rm(bot, { force: true });
    }
  });
});
