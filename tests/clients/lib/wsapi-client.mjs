// A WebSocket order API client written from shared/KUCOIN-API.md ("WebSocket
// order API"), as KuCoin's SDKs do it (no npm package of KuCoin's ships this
// API): connect to /v1/private with apikey, timestamp, sign =
// base64(HMAC-SHA256(secret, apikey + timestamp)) and the hashed passphrase;
// answer the challenge with base64(HMAC-SHA256(secret, <challenge>)) where
// <challenge> is either the raw text received (KuCoin's SDK) or
// JSON.stringify(JSON.parse(text)) (another popular client); wait for the
// welcome; then send {"id","op","args"} requests and match answers by id.
import { createHmac, randomUUID } from 'node:crypto';
import WebSocket from 'ws';

const hmac = (secret, text) => createHmac('sha256', secret).update(text).digest('base64');

export class WsApiClient {
  constructor(ws) {
    this.ws = ws;
    this.frames = []; // every text frame received, in order
    this.waiters = [];
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('message', (data) => {
      const text = data.toString();
      this.frames.push(text);
      for (const w of [...this.waiters]) {
        if (w.accept(text)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(text);
        }
      }
    });
  }

  // Connects and signs in. `signStyle`: 'raw' or 'reserialized'.
  static async signIn(baseUrl, { apiKey, secret, passphrase }, { signStyle = 'raw', extra = '' } = {}) {
    const client = await WsApiClient.connect(baseUrl, { apiKey, secret, passphrase }, { extra });
    const challenge = await client.next();
    const signed = signStyle === 'raw' ? challenge : JSON.stringify(JSON.parse(challenge));
    client.ws.send(hmac(secret, signed));
    const welcome = JSON.parse(await client.next());
    if (welcome.data !== 'welcome') throw new Error(`no welcome: ${JSON.stringify(welcome)}`);
    client.challenge = challenge;
    client.welcome = welcome;
    return client;
  }

  static async connect(baseUrl, { apiKey, secret, passphrase }, { extra = '', timestamp, signSecret = secret } = {}) {
    const ts = String(timestamp ?? Date.now());
    const query = new URLSearchParams({
      apikey: apiKey,
      timestamp: ts,
      sign: hmac(signSecret, apiKey + ts),
      passphrase: hmac(secret, passphrase),
    });
    const url = `${baseUrl.replace(/^http/, 'ws')}/v1/private?${query}${extra}`;
    const ws = new WebSocket(url);
    const client = new WsApiClient(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return client;
  }

  // The next frame not yet consumed by next() (frames are consumed in order).
  async next(timeoutMs = 5_000) {
    this.consumed ??= 0;
    const index = this.consumed++;
    if (index < this.frames.length) return this.frames[index];
    return this.waitFor((text) => this.frames.indexOf(text) >= index, timeoutMs);
  }

  waitFor(accept, timeoutMs = 5_000) {
    return new Promise((resolve, reject) => {
      const waiter = { accept, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) {
          this.waiters.splice(at, 1);
          reject(new Error('no matching frame within the timeout'));
        }
      }, timeoutMs);
    });
  }

  // Sends one request and resolves with the parsed answer carrying its id.
  async request(op, args, id = randomUUID()) {
    const answer = this.waitFor((text) => {
      try {
        return JSON.parse(text).id === id;
      } catch {
        return false;
      }
    });
    this.ws.send(JSON.stringify({ id, op, args }));
    return JSON.parse(await answer);
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}
