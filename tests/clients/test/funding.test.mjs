// Currency chains, deposits and withdrawals through unmodified clients: ccxt
// (fetchCurrencies, fetchDepositAddress, fetchDeposits, withdraw,
// fetchWithdrawals), the official SDK (getCurrency, getWithdrawalQuotas with
// its tag=BTC-USDT, withdrawalV3, getWithdrawalHistoryById, cancelWithdrawal,
// getDepositHistory) and kucoin-node-sdk (getCurrencyDetail on the legacy v2
// path). Withdrawals complete after [funding] withdrawal_delay_ms.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useKcgate, waitUntil } from '../lib/harness.mjs';
import { nodeSdk, spotCcxtClients, universalClient } from '../lib/clients.mjs';

const require = createRequire(import.meta.url);
const sdk = require('kucoin-universal-sdk');
const { Deposit, Withdrawal } = sdk.Account;
const { Market } = sdk.Spot;

const kc = useKcgate({ config: '[funding]\nwithdrawal_delay_ms = 200\n' });

async function deposit(key, currency, amount, account = 'main') {
  const out = JSON.parse(await kc.server.cli(['accounts', 'deposit', '--uid', String(key.uid),
    '--currency', currency, '--amount', amount, '--account', account, '--json']));
  assert.equal(out.status, 'applied', JSON.stringify(out));
}

describe('ccxt: currencies, deposits and withdrawals', { timeout: 60_000 }, () => {
  const ccxt = spotCcxtClients(kc);
  let key;
  let exchange;
  before(async () => {
    key = await kc.server.createKey({ permissions: 'General,Spot,Transfer' });
    exchange = await ccxt.rest(key);
  });
  after(() => ccxt.closeAll());

  test('fetchCurrencies types BTC as crypto, with its networks and limits', async () => {
    const currencies = await exchange.fetchCurrencies();
    const btc = currencies.BTC;
    assert.equal(btc.type, 'crypto');
    assert.equal(btc.precision, 1e-8);
    assert.deepEqual(Object.keys(btc.networks).sort(), ['BTC', 'KCC']);
    const native = btc.networks.BTC;
    assert.equal(native.id, 'btc');
    assert.equal(native.fee, 0.0005);
    assert.equal(native.deposit, true);
    assert.equal(native.withdraw, true);
    assert.equal(native.limits.withdraw.min, 0.001);
    assert.equal(native.limits.deposit.min, 0.0002);
    const usdt = currencies.USDT;
    assert.deepEqual(Object.keys(usdt.networks).sort(), ['ERC20', 'KCC', 'TRC20']);
    assert.equal(usdt.networks.TRC20.fee, 1);
    assert.equal(usdt.networks.TRC20.precision, 1e-6);
  });

  test('fetchDepositAddress: one address per network, stable', async () => {
    const erc20 = await exchange.fetchDepositAddress('USDT');
    assert.equal(erc20.currency, 'USDT');
    assert.match(erc20.address, /^0x[0-9a-f]{40}$/);
    const trc20 = await exchange.fetchDepositAddress('USDT', { network: 'TRC20' });
    assert.match(trc20.address, /^T[1-9A-HJ-NP-Za-km-z]{33}$/);
    assert.notEqual(trc20.address, erc20.address);
    assert.equal((await exchange.fetchDepositAddress('USDT', { network: 'TRC20' })).address,
      trc20.address);
  });

  test('fetchDeposits lists `kcgate accounts deposit`', async () => {
    await deposit(key, 'USDT', '250');
    const deposits = await exchange.fetchDeposits('USDT');
    assert.equal(deposits.length, 1);
    const d = deposits[0];
    assert.equal(d.type, 'deposit');
    assert.equal(d.currency, 'USDT');
    assert.equal(d.amount, 250);
    assert.equal(d.status, 'ok');
    assert.equal(d.network, 'ERC20');
    assert.equal(d.address, (await exchange.fetchDepositAddress('USDT')).address);
    assert.match(d.txid, /^0x[0-9a-f]{64}$/);
  });

  test('withdraw, then fetchWithdrawals shows it pending and then ok', async () => {
    const address = 'TKFRQXSDcY4kd3QLzw7uK16GmLrjJggwX8';
    const sent = await exchange.withdraw('USDT', 20, address, undefined, { network: 'TRC20' });
    assert.match(sent.id, /^[0-9a-f]{24}$/);
    await waitUntil(async () => {
      const list = await exchange.fetchWithdrawals('USDT');
      return { done: list.length === 1 && list[0].status === 'ok', res: list };
    }, { what: 'the withdrawal to succeed' });
    const [w] = await exchange.fetchWithdrawals('USDT');
    assert.equal(w.id, sent.id);
    assert.equal(w.type, 'withdrawal');
    assert.equal(w.amount, 20);
    assert.equal(w.fee.cost, 1);
    assert.equal(w.address, address);
    assert.equal(w.network, 'TRC20');
    const after = await exchange.fetchBalance({ type: 'main' });
    assert.equal(after.USDT.total, 229);
    assert.equal(after.USDT.used, 0);
  });

  test('withdraw below the chain minimum is refused as KuCoin refuses it', async () => {
    await assert.rejects(
      exchange.withdraw('USDT', 2, 'TKFRQXSDcY4kd3QLzw7uK16GmLrjJggwX8', undefined,
        { network: 'TRC20' }),
      (e) => e instanceof Error && /below the minimum requirement/.test(e.message));
  });
});

describe('kucoin-universal-sdk: currency, quotas, withdrawals, deposits', { timeout: 60_000 }, () => {
  let key;
  const account = () => universalClient(kc.server.baseUrl, key).restService().getAccountService();
  before(async () => {
    key = await kc.server.createKey({ permissions: 'General,Spot,Transfer' });
    await deposit(key, 'BTC', '1');
  });

  test('getCurrency lists the chains in the SDK model', async () => {
    const market = universalClient(kc.server.baseUrl).restService().getSpotService().getMarketApi();
    const btc = await market.getCurrency(Market.GetCurrencyReq.create({ currency: 'BTC' }));
    assert.equal(btc.currency, 'BTC');
    assert.equal(btc.chains.length, 2);
    assert.equal(btc.chains[0].chainId, 'btc');
    assert.equal(btc.chains[0].withdrawalMinFee, '0.0005');
    assert.equal(btc.chains[0].confirms, 3);
    const only = await market.getCurrency(Market.GetCurrencyReq.create({ currency: 'BTC', chain: 'kcc' }));
    assert.deepEqual(only.chains.map((c) => c.chainId), ['kcc']);
  });

  test('getWithdrawalQuotas, withdrawalV3, getWithdrawalHistoryById, cancelWithdrawal', async () => {
    const api = account().getWithdrawalApi();
    const quota = await api.getWithdrawalQuotas(Withdrawal.GetWithdrawalQuotasReq.create({
      currency: 'BTC', chain: 'btc',
    }));
    assert.equal(quota.currency, 'BTC');
    assert.equal(quota.withdrawMinFee, '0.0005');
    assert.equal(quota.withdrawMinSize, '0.001');
    assert.equal(quota.availableAmount, '0.9995');
    assert.equal(quota.lockedAmount, '0');
    const made = await api.withdrawalV3(Withdrawal.WithdrawalV3Req.create({
      currency: 'BTC', chain: 'btc', amount: '0.1', withdrawType: 'ADDRESS',
      toAddress: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', remark: 'sdk',
    }));
    assert.match(made.withdrawalId, /^[0-9a-f]{24}$/);
    const got = await api.getWithdrawalHistoryById(Withdrawal.GetWithdrawalHistoryByIdReq.create({
      withdrawalId: made.withdrawalId,
    }));
    assert.equal(got.id, made.withdrawalId);
    assert.equal(got.chainId, 'btc');
    assert.equal(got.amount, '0.1');
    assert.equal(got.fee, '0.0005');
    assert.equal(got.remark, 'sdk');
    await waitUntil(async () => {
      const w = await api.getWithdrawalHistoryById(Withdrawal.GetWithdrawalHistoryByIdReq.create({
        withdrawalId: made.withdrawalId,
      }));
      return { done: w.status === 'SUCCESS', res: w.status };
    }, { what: 'the withdrawal to succeed' });
    const history = await api.getWithdrawalHistory(Withdrawal.GetWithdrawalHistoryReq.create({
      currency: 'BTC', status: 'SUCCESS',
    }));
    assert.equal(history.totalNum, 1);
    assert.equal(history.items[0].id, made.withdrawalId);
    // A finished withdrawal cannot be canceled: the SDK rejects with KuCoin's body.
    await assert.rejects(api.cancelWithdrawal(Withdrawal.CancelWithdrawalReq.create({
      withdrawalId: made.withdrawalId,
    })), (e) => /not allow to cancel/.test(e.message));
  });

  test('getDepositHistory and getDepositAddressV3', async () => {
    const api = account().getDepositApi();
    const history = await api.getDepositHistory(Deposit.GetDepositHistoryReq.create({ currency: 'BTC' }));
    assert.equal(history.totalNum, 1);
    assert.equal(history.items[0].amount, '1');
    assert.equal(history.items[0].status, 'SUCCESS');
    const addresses = await api.getDepositAddressV3(Deposit.GetDepositAddressV3Req.create({ currency: 'BTC' }));
    assert.deepEqual(addresses.data.map((a) => a.chainId), ['btc', 'kcc']);
    assert.equal(addresses.data[0].address, history.items[0].address);
  });
});

describe('kucoin-node-sdk: getCurrencyDetail (the legacy v2 path)', { timeout: 60_000 }, () => {
  test('GET /api/v2/currencies/BTC?currency=BTC', async () => {
    const API = nodeSdk(kc.server.baseUrl);
    const res = await API.rest.Market.Currencies.getCurrencyDetail({ currency: 'BTC' });
    assert.equal(res.code, '200000', JSON.stringify(res));
    assert.equal(res.data.currency, 'BTC');
    assert.equal(res.data.chains[0].chainId, 'btc');
    assert.equal(res.data.chains[0].withdrawalMinSize, '0.001');
  });
});
