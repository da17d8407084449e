// Transfers, fees, prices and the level1 topic as each client library calls
// them (issue 14): ccxt transfer / fetchTradingFee / watchBidsAsks, the
// official SDK's flexTransfer, getTransferQuotas, getBasicFee,
// getSpotActualFee, getFiatPrice, getClientIPAddress, getAnnouncements, and
// kucoin-node-sdk's getTransferable and fee helpers.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useKcgate, okData, waitUntil } from '../lib/harness.mjs';
import { spotCcxtClients, universalClient, nodeSdk } from '../lib/clients.mjs';

const require = createRequire(import.meta.url);
const { Account, Spot } = require('kucoin-universal-sdk');
const kc = useKcgate();
const ccxtClients = spotCcxtClients(kc);
after(() => ccxtClients.closeAll());

async function deposit(key, currency, amount, account) {
  const out = JSON.parse(await kc.server.cli(['accounts', 'deposit', '--uid', String(key.uid),
    '--currency', currency, '--amount', amount, '--account', account, '--json']));
  assert.equal(out.status, 'applied', JSON.stringify(out));
}

async function balances(key, currency) {
  const quota = async (type) => okData(await kc.server.request('GET',
    `/api/v1/accounts/transferable?currency=${currency}&type=${type}`, { key })).balance;
  return { main: await quota('MAIN'), trade: await quota('TRADE') };
}

// The rates the engine charges, as the 24h stats show them.
const feeOf = async (symbol) => {
  const s = okData(await kc.server.request('GET', `/api/v1/market/stats?symbol=${symbol}`));
  return { maker: s.makerFeeRate, taker: s.takerFeeRate };
};

describe('ccxt', { timeout: 30_000 }, () => {
  test('transfer() moves main -> trade through /api/v3/accounts/universal-transfer', async () => {
    const key = await kc.server.createKey({ permissions: 'General,Spot,FlexTransfers' });
    await deposit(key, 'USDT', '100', 'main');
    const exchange = await ccxtClients.rest(key);
    const transfer = await exchange.transfer('USDT', 30, 'main', 'trade');
    assert.equal(transfer.status, 'ok');
    assert.match(transfer.id, /^[0-9a-f]{24}$/);
    assert.deepEqual(await balances(key, 'USDT'), { main: '70', trade: '30' });
    const balance = await exchange.fetchBalance();
    assert.equal(balance.USDT.total, 30);
  });

  test('fetchTradingFee reads /api/v1/trade-fees', async () => {
    const key = await kc.server.createKey();
    const exchange = await ccxtClients.rest(key);
    const fee = await exchange.fetchTradingFee('ETH/USDT');
    const expected = await feeOf('ETH-USDT');
    assert.equal(fee.symbol, 'ETH/USDT');
    assert.equal(fee.maker, Number(expected.maker));
    assert.equal(fee.taker, Number(expected.taker));
    // The raw comma ccxt sends for several symbols.
    const res = await exchange.privateGetTradeFees({ symbols: 'BTC-USDT,ETH-USDT' });
    assert.deepEqual(res.data.map((f) => f.symbol), ['BTC-USDT', 'ETH-USDT']);
  });

  test('watchBidsAsks follows /spotMarket/level1', async () => {
    const seller = await kc.server.createKey();
    await deposit(seller, 'BTC', '1', 'trade');
    const exchange = await ccxtClients.pro();
    const first = await exchange.watchBidsAsks(['BTC/USDT']);
    assert.ok(first['BTC/USDT'], JSON.stringify(first));
    const rest = await ccxtClients.rest(seller);
    await rest.createOrder('BTC/USDT', 'limit', 'sell', 0.01, 71000);
    const quoted = await waitUntil(async () => {
      const update = await exchange.watchBidsAsks(['BTC/USDT']);
      const t = update['BTC/USDT'];
      return t && t.ask === 71000 ? t : { done: false, t };
    }, { what: 'the ask in a level1 push', timeoutMs: 10_000 });
    assert.equal(quoted.askVolume, 0.01);
    assert.equal(quoted.bid, undefined);
    assert.ok(Math.abs(quoted.timestamp - Date.now()) < 10_000);
  });
});

describe('kucoin-universal-sdk', { timeout: 30_000 }, () => {
  const account = (key) => universalClient(kc.server.baseUrl, key).restService().getAccountService();
  const market = () => universalClient(kc.server.baseUrl).restService().getSpotService().getMarketApi();

  test('flexTransfer and getTransferQuotas', async () => {
    const { FlexTransferReq, GetTransferQuotasReq } = Account.Transfer;
    const key = await kc.server.createKey({ permissions: 'General,Spot,FlexTransfers' });
    await deposit(key, 'USDT', '50', 'main');
    const api = account(key).getTransferApi();
    const done = await api.flexTransfer(FlexTransferReq.builder().setClientOid('sdk-flex-1')
      .setType('INTERNAL').setCurrency('USDT').setAmount('20').setFromAccountType('MAIN')
      .setToAccountType('TRADE').build());
    assert.match(done.orderId, /^[0-9a-f]{24}$/);
    const quota = await api.getTransferQuotas(GetTransferQuotasReq.builder().setCurrency('USDT')
      .setType('MAIN').build());
    assert.deepEqual([quota.currency, quota.balance, quota.available, quota.holds, quota.transferable],
      ['USDT', '30', '30', '0', '30']);
  });

  test('getBasicFee and getSpotActualFee', async () => {
    const { GetBasicFeeReq, GetSpotActualFeeReq } = Account.Fee;
    const key = await kc.server.createKey();
    const api = account(key).getFeeApi();
    const expected = await feeOf('BTC-USDT');
    const basic = await api.getBasicFee(GetBasicFeeReq.builder().setCurrencyType(0).build());
    assert.deepEqual([basic.makerFeeRate, basic.takerFeeRate], [expected.maker, expected.taker]);
    const actual = await api.getSpotActualFee(GetSpotActualFeeReq.builder()
      .setSymbols('BTC-USDT,SOL-USDT').build());
    assert.deepEqual(actual.data.map((f) => f.symbol), ['BTC-USDT', 'SOL-USDT']);
    assert.equal(actual.data[0].makerFeeRate, expected.maker);
  });

  test('getFiatPrice, getClientIPAddress and getAnnouncements', async () => {
    const { GetFiatPriceReq, GetAnnouncementsReq } = Spot.Market;
    const prices = await market().getFiatPrice(GetFiatPriceReq.builder().setBase('USD').build());
    assert.equal(prices.USDT ?? prices.data?.USDT, '1', JSON.stringify(prices));
    const ip = await market().getClientIPAddress();
    assert.equal(ip.data, '127.0.0.1');
    const news = await market().getAnnouncements(GetAnnouncementsReq.builder().setCurrentPage(1)
      .setPageSize(10).build());
    assert.deepEqual([news.totalNum, news.items], [0, []]);
  });
});

describe('kucoin-node-sdk', { timeout: 20_000 }, () => {
  test('Account.getTransferable and TradeFee', async () => {
    const key = await kc.server.createKey();
    await deposit(key, 'BTC', '0.5', 'trade');
    const api = nodeSdk(kc.server.baseUrl, key);
    const res = await api.rest.User.Account.getTransferable('TRADE', 'BTC');
    assert.equal(res.code, '200000', JSON.stringify(res));
    assert.deepEqual(res.data, { currency: 'BTC', balance: '0.5', available: '0.5', holds: '0',
      transferable: '0.5' });
    const fees = await api.rest.User.TradeFee.getActualFeeRateBySymbols('BTC-USDT,ETH-USDT');
    assert.equal(fees.code, '200000', JSON.stringify(fees));
    assert.equal(fees.data.length, 2);
  });
});
