// Builds each client library's object pointed at a running kcgate, the way a
// user of that library would. Tests for new endpoints take their client here.
import ccxt from 'ccxt';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// ccxt `kucoin`. Its spot calls go to urls.api.public and urls.api.private
// (js/src/kucoin.js `sign`: url = urls.api[api] + '/api/' + version + '/' + path);
// earn, uta, utaV2 and utaPrivate share that host on KuCoin, futuresPublic,
// futuresPrivate, broker and webExchange have their own. All of them are
// pointed at kcgate, so no test can reach the real exchange by accident.
// ccxt's own partner headers (KC-API-PARTNER "ccxt") are left on, as users get them.
export function ccxtKucoin(baseUrl, key, options = {}) {
  const exchange = new ccxt.kucoin({
    ...(key ? { apiKey: key.apiKey, secret: key.secret, password: key.passphrase } : {}),
    timeout: 10_000,
    ...options,
  });
  for (const name of Object.keys(exchange.urls.api)) exchange.urls.api[name] = baseUrl;
  return exchange;
}

// ccxt pro `kucoin` (WebSocket). Its REST calls, the bullet token ones
// included, go where ccxtKucoin's do; the WebSocket URL then comes only from
// the bullet answer. urls.api.ws (KuCoin's unified-account sockets, unused by
// classic accounts) is pointed at kcgate too, so nothing can leave loopback.
export function ccxtProKucoin(baseUrl, key, options = {}) {
  const exchange = new ccxt.pro.kucoin({
    ...(key ? { apiKey: key.apiKey, secret: key.secret, password: key.passphrase } : {}),
    timeout: 10_000,
    ...options,
  });
  const wsUrl = baseUrl.replace(/^http/, 'ws');
  for (const name of Object.keys(exchange.urls.api)) {
    if (name === 'ws') {
      for (const kind of Object.keys(exchange.urls.api.ws)) exchange.urls.api.ws[kind] = wsUrl;
    } else {
      exchange.urls.api[name] = baseUrl;
    }
  }
  return exchange;
}

// kucoin-universal-sdk (the official SDK): a DefaultClient with only the spot
// endpoint set. `transport` tweaks TransportOptionBuilder (e.g. { maxRetries });
// `websocket` is a built WebSocketClientOption for its wsService().
// Its logger prints every client construction at "info"; KCGATE_CLIENT_VERBOSE=1
// keeps that, otherwise only its errors show.
let universalLoggerSet = false;
export function universalClient(baseUrl, key, { transport = {}, websocket } = {}) {
  const sdk = require('kucoin-universal-sdk');
  if (!universalLoggerSet && !process.env.KCGATE_CLIENT_VERBOSE) {
    sdk.logger.setGlobalLogger({}, {
      level: 'error',
      format: (level, message) => `${new Date().toISOString()} [${level.toUpperCase()}] ${message}`,
    });
    universalLoggerSet = true;
  }
  const transportBuilder = new sdk.TransportOptionBuilder().setTimeout(10_000).setKeepAlive(true);
  for (const [name, value] of Object.entries(transport)) {
    transportBuilder[`set${name[0].toUpperCase()}${name.slice(1)}`](value);
  }
  const builder = new sdk.ClientOptionBuilder()
    .setSpotEndpoint(baseUrl)
    .setTransportOption(transportBuilder.build());
  if (key) builder.setKey(key.apiKey).setSecret(key.secret).setPassphrase(key.passphrase);
  if (websocket) builder.setWebSocketClientOption(websocket);
  return new sdk.DefaultClient(builder.build());
}

// kucoin-node-sdk (the previous official SDK). It keeps its configuration in
// module state and builds its HTTP client, with the base URL, on the first
// call: one kcgate per test file, and init() again to switch keys.
export function nodeSdk(baseUrl, key) {
  const API = require('kucoin-node-sdk');
  API.init({
    baseUrl,
    apiAuth: key ? { key: key.apiKey, secret: key.secret, passphrase: key.passphrase }
      : { key: '', secret: '', passphrase: '' },
    authVersion: 2,
  });
  return API;
}

// kucoin-node-sdk's own HTTP client (what its REST helpers call), for routes
// it has no helper for: Http().GET(path, params) signs exactly as they do.
export function nodeSdkHttp() {
  return require('kucoin-node-sdk/src/lib/http')();
}

// ccxt REST and ccxt pro clients for a test file's kcgate (`kc` from
// useKcgate), loaded with spot markets only and no margin symbols, as a user
// of a spot-only venue configures ccxt; closeAll() closes every one made.
export function spotCcxtClients(kc) {
  const clients = [];
  const spotOnly = { fetchMarkets: { types: ['spot'] } };
  return {
    async rest(key) {
      const exchange = ccxtKucoin(kc.server.baseUrl, key, { options: spotOnly });
      clients.push(exchange);
      await exchange.loadMarkets(false, { marginables: false });
      return exchange;
    },
    async pro(key, options = {}) {
      const exchange = ccxtProKucoin(kc.server.baseUrl, key,
        { options: { ...spotOnly, ...options } });
      clients.push(exchange);
      // kcgate's endpoint here is plain ws://, for which ccxt wants its HTTP
      // agent loaded first (its documented step; wss:// needs none).
      await exchange.loadHttpProxyAgent();
      await exchange.loadMarkets(false, { marginables: false });
      return exchange;
    },
    closeAll: () => Promise.all(clients.map((c) => c.close())),
  };
}
