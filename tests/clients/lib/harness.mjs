// Test harness for the client-library tests: runs a real kcgate binary on
// 127.0.0.1 (port 0) with a fresh data directory, creates API keys through its
// CLI, and gives tests a raw signed HTTP client for checks the libraries hide.
//
//   import { useKcgate } from '../lib/harness.mjs';
//   const kc = useKcgate();            // before/after hooks of the current suite
//   test('...', async () => {
//     const key = await kc.server.createKey({ permissions: 'General,Spot' });
//     // point a client library at kc.server.baseUrl with key.apiKey / key.secret / key.passphrase
//   });
//
// Binary: $KCGATE_BIN, default <repo>/build/release/src/app/kcgate.
// Set KCGATE_KEEP_DATA=1 to keep the data directories, KCGATE_LOG=1 to echo
// kcgate's own output to stderr.
import { spawn, execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { before, after } from 'node:test';

const execFileAsync = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

export const KCGATE_BIN =
  process.env.KCGATE_BIN || resolve(here, '../../../build/release/src/app/kcgate');

const START_TIMEOUT_MS = Number(process.env.KCGATE_START_TIMEOUT_MS || 10_000);
const OUTPUT_KEEP_BYTES = 64 * 1024;

// Every kcgate this process started and has not yet seen exit. Killed on any
// exit of this process, so a failing or crashing test leaves none behind.
const live = new Set();
process.on('exit', () => {
  for (const server of live) {
    server.killNow();
    if (!process.env.KCGATE_KEEP_DATA) rmSync(server.dataDir, { recursive: true, force: true });
  }
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    for (const server of live) server.killNow();
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 })[signal]);
  });
}

let nextUid = 10_000_001;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `probe` (async, returns a truthy value when done) until it is truthy or
// `timeoutMs` passes; then throws with `describe()` of the last value.
export async function waitUntil(probe, { timeoutMs = 5_000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last && last.done !== false) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    }
    await sleep(intervalMs);
  }
}

function hmacBase64(secret, text) {
  return createHmac('sha256', secret).update(text).digest('base64');
}

// KuCoin request signing as documented (KUCOIN-API.md, "REST basics").
// Returns the KC-API-* headers for `method` + `requestPath` (with its query) + `body`.
// `version: null` sends no KC-API-KEY-VERSION header.
export function signHeaders({ apiKey, secret, passphrase }, method, requestPath, body = '', {
  version = '2',
  timestamp = Date.now(),
} = {}) {
  const ts = String(timestamp);
  const headers = {
    'KC-API-KEY': apiKey,
    'KC-API-TIMESTAMP': ts,
    'KC-API-SIGN': hmacBase64(secret, ts + method.toUpperCase() + requestPath + body),
    // Version 1 (or no version header, which means 1) sends the passphrase as is.
    'KC-API-PASSPHRASE': version === null || String(version) === '1'
      ? passphrase : hmacBase64(secret, passphrase),
  };
  if (version !== null) headers['KC-API-KEY-VERSION'] = String(version);
  return headers;
}

class KcgateServer {
  constructor(proc, dataDir, options) {
    this.proc = proc;
    this.dataDir = dataDir;
    this.options = options;
    this.baseUrl = undefined;
    this.port = undefined;
    this.output = ''; // kcgate's stdout+stderr, last OUTPUT_KEEP_BYTES
    this.exited = new Promise((resolveExit) => {
      proc.once('exit', (code, signal) => {
        live.delete(this);
        this.exitStatus = { code, signal };
        if (process.env.KCGATE_CLIENT_PIDDIR) {
          rmSync(join(process.env.KCGATE_CLIENT_PIDDIR, String(proc.pid)), { force: true });
        }
        resolveExit(this.exitStatus);
      });
    });
  }

  record(chunk) {
    const text = chunk.toString();
    if (process.env.KCGATE_LOG) process.stderr.write(`[kcgate ${this.proc.pid}] ${text}`);
    this.output = (this.output + text).slice(-OUTPUT_KEEP_BYTES);
  }

  killNow() {
    if (this.exitStatus === undefined) {
      try {
        this.proc.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  // Stops the server (SIGTERM, then SIGKILL after 3 s) and removes its data dir.
  async stop() {
    if (this.exitStatus === undefined) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.killNow(), 3_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (!process.env.KCGATE_KEEP_DATA && !this.options.keepData) {
      await rm(this.dataDir, { recursive: true, force: true });
    }
    return this.exitStatus;
  }

  // Runs `kcgate <args...>` (an admin command) against this server's data dir.
  async cli(args) {
    try {
      const { stdout } = await execFileAsync(KCGATE_BIN, [...args, '--data', this.dataDir], {
        timeout: 10_000,
      });
      return stdout;
    } catch (e) {
      throw new Error(`kcgate ${args.join(' ')} failed (${e.code}): ${e.stderr || e.message}`);
    }
  }

  // Creates an API key through `kcgate keys create --json`, then waits until
  // the running server knows it. Returns { apiKey, secret, passphrase, uid }
  // plus the options it was created with (version, permissions, ...).
  async createKey({
    uid = nextUid++,
    version = 3,
    permissions = 'General,Spot',
    passphrase = `pass-${randomBytes(6).toString('hex')}`,
    sub = false,
    parent,
    ip,
    remark,
    wait = true,
  } = {}) {
    const args = ['keys', 'create', '--uid', String(uid), '--version', String(version),
      '--permissions', permissions, '--passphrase', passphrase, '--json'];
    if (sub) args.push('--sub');
    if (parent !== undefined) args.push('--parent', String(parent));
    if (ip !== undefined) args.push('--ip', ip);
    if (remark !== undefined) args.push('--remark', remark);
    const created = JSON.parse(await this.cli(args));
    const key = { ...created, version, permissions, sub, parent, ip, remark };
    if (wait) {
      await waitUntil(async () => {
        const res = await this.request('GET', '/api/v1/user/api-key', { key });
        return { done: res.body?.code !== '400003', res: res.body };
      }, { what: `key ${key.apiKey} to become known to the server` });
    }
    return key;
  }

  // Revokes a key through the CLI and waits until the server refuses it (400003).
  async revokeKey(key, { wait = true } = {}) {
    await this.cli(['keys', 'revoke', key.apiKey ?? key]);
    if (wait && typeof key === 'object') {
      await waitUntil(async () => {
        const res = await this.request('GET', '/api/v1/user/api-key', { key });
        return { done: res.body?.code === '400003', res: res.body };
      }, { what: `key ${key.apiKey} to be refused after revocation` });
    }
  }

  async listKeys() {
    return JSON.parse(await this.cli(['keys', 'list', '--json']));
  }

  // A raw HTTP call. With `key`, signs it (header version `version`, default
  // "2"). `path` may carry a query. Returns { status, headers, body, text }.
  async request(method, path, { key, body, version = '2', headers = {}, timestamp } = {}) {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const all = { ...headers };
    if (text) all['Content-Type'] ??= 'application/json';
    if (key) Object.assign(all, signHeaders(key, method, path, text, { version, timestamp }));
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: all,
      body: text || undefined,
    });
    const raw = await res.text();
    let parsed;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text: raw };
  }

  // A call to the admin API (the test lab) with this server's token.
  // Returns { status, body } (body parsed from JSON).
  async admin(method, path, body) {
    const res = await fetch(this.adminUrl + path, {
      method,
      headers: { Authorization: `Bearer ${this.adminToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text };
  }
}

// Starts kcgate on 127.0.0.1:0 with a fresh data dir and no demo key.
// `config` is extra TOML appended to the generated config file. `dataDir`:
// an existing data dir (a restart), kept when the server stops.
export async function startKcgate({ config = '', args = [], dataDir: reuse } = {}) {
  const dataDir = reuse ?? await mkdtemp(join(tmpdir(), 'kcgate-client-'));
  const configFile = join(dataDir, 'client-test.toml');
  // The demo key and market maker stay off unless the test configures them.
  const demo = /^\s*\[demo\]/m.test(config) ? '' : '[demo]\ncreate_key = false\n';
  const marketMaker = /^\s*\[market_maker\]/m.test(config) ? '' : '[market_maker]\nenabled = false\n';
  // The admin API (the test lab) on a port of its own, so servers run side by side.
  const admin = /^\s*\[admin\]/m.test(config) ? '' : '[admin]\nlisten = "127.0.0.1:0"\n';
  await writeFile(configFile, `${demo}${marketMaker}${admin}${config}`);

  const proc = spawn(KCGATE_BIN,
    ['--listen', '127.0.0.1:0', '--data', dataDir, '--config', configFile, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = new KcgateServer(proc, dataDir, { config, args, keepData: reuse !== undefined });
  live.add(server);
  if (process.env.KCGATE_CLIENT_PIDDIR && proc.pid) {
    // The run script's cleanup reads the data dir from here.
    writeFileSync(join(process.env.KCGATE_CLIENT_PIDDIR, String(proc.pid)), `${dataDir}\n`);
  }
  // Neither the child nor its pipes keep this process alive: a test file that
  // forgets stop() still exits, and the exit hook above kills the server.
  proc.unref();
  proc.stdout.unref?.();
  proc.stderr.unref?.();
  proc.stderr.on('data', (c) => server.record(c));

  let spawnError;
  proc.once('error', (e) => {
    spawnError = e;
  });
  try {
    server.baseUrl = await new Promise((resolveUrl, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error('no "kcgate listening on" line')), START_TIMEOUT_MS);
      proc.stdout.on('data', (chunk) => {
        server.record(chunk);
        if (server.baseUrl) return;
        seen += chunk.toString();
        const m = /kcgate listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(seen);
        // The admin API's lines come before "Press Ctrl-C" (absent when it is off).
        if (m && /Press Ctrl-C/.test(seen)) {
          const adminUrl = /admin API on (http:\/\/[0-9.]+:\d+)/.exec(seen);
          const adminToken = /^\s*token:\s+(\S+)/m.exec(seen);
          if (adminUrl && adminToken) {
            server.adminUrl = adminUrl[1];
            server.adminToken = adminToken[1];
          }
          clearTimeout(timer);
          resolveUrl(m[1]);
        }
      });
      server.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(spawnError ?? new Error(`kcgate exited (code ${code}, signal ${signal}) before listening`));
      });
    });
  } catch (e) {
    await server.stop();
    throw new Error(`could not start ${KCGATE_BIN}: ${e.message}\n--- kcgate output ---\n${server.output}`);
  }
  server.port = Number(new URL(server.baseUrl).port);
  return server;
}

// Registers before/after hooks (in the current suite, or the file) that start
// one kcgate for the suite and stop it afterwards, failing or not. Returns an
// object whose `.server` is that KcgateServer once the before hook has run.
export function useKcgate(options = {}) {
  const handle = { server: undefined };
  before(async () => {
    handle.server = await startKcgate(options);
  });
  after(async () => {
    if (handle.server) await handle.server.stop();
  });
  return handle;
}

// Asserts that a raw kcgate answer is a KuCoin success and returns its data.
export function okData(res) {
  if (res.status !== 200 || res.body?.code !== '200000') {
    throw new Error(`expected {"code":"200000"} with HTTP 200, got HTTP ${res.status}: ${res.text}`);
  }
  return res.body.data;
}
