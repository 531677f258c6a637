import type { Static } from 'typebox';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { API_ERROR_CODES, type ApiErrorCode, type SubmitRejectCode } from '../../../src/api/errors.js';
import { SERVER_ERROR_CODES, type ClientErrorCode, type LedgerClientError, type ServerErrorCode } from '../../../src/client/errors.js';
import type { AccountJson } from '../../../src/api/schemas/accounts.js';
import type { AssetJson, AssetsPage } from '../../../src/api/schemas/assets.js';
import type { BlocksPage } from '../../../src/api/schemas/blocks.js';
import type { BlockJson, HeaderJson, QuorumCertJson, ReceiptJson, TxJson } from '../../../src/api/schemas/chain.js';
import type { History, HistoryEntryJson } from '../../../src/api/schemas/common.js';
import type { BlockEventJson } from '../../../src/api/schemas/events.js';
import type { InvoiceJson, InvoicesPage } from '../../../src/api/schemas/invoices.js';
import type { StateAnswer } from '../../../src/api/schemas/proofs.js';
import type { MembersJson, StatusJson } from '../../../src/api/schemas/status.js';
import type { SubmitTxBody, TxAnswer } from '../../../src/api/schemas/transactions.js';
import type * as W from '../../../src/client/wire.js';
import { TX_TYPES, type TxType } from '../../../src/client/tx-payloads.js';
import type { AdmissionCode } from '../../../src/state/mempool/errors.js';

// The client mirrors the server's schemas without importing server code (src/client/wire.ts).
// These assertions are checked by the type checker (npm run typecheck): if a schema changes and
// the client's type does not, the project stops compiling.

describe('client wire types equal the server schemas', () => {
  test('chain types', () => {
    expectTypeOf<W.QuorumCertJson>().toEqualTypeOf<QuorumCertJson>();
    expectTypeOf<W.HeaderJson>().toEqualTypeOf<HeaderJson>();
    expectTypeOf<W.TxJson>().toEqualTypeOf<TxJson>();
    expectTypeOf<W.TxBodyJson>().toEqualTypeOf<SubmitTxBody>();
    expectTypeOf<W.ReceiptJson>().toEqualTypeOf<ReceiptJson>();
    expectTypeOf<W.BlockJson>().toEqualTypeOf<BlockJson>();
    expectTypeOf<W.BlocksPageJson>().toEqualTypeOf<BlocksPage>();
    expectTypeOf<W.BlockEventJson>().toEqualTypeOf<BlockEventJson>();
  });

  test('answers', () => {
    expectTypeOf<Omit<W.TxAnswer, 'tx'>>().toEqualTypeOf<Omit<TxAnswer, 'tx'>>();
    expectTypeOf<W.StateAnswer>().toEqualTypeOf<StateAnswer>();
    expectTypeOf<W.StatusJson>().toEqualTypeOf<StatusJson>();
    expectTypeOf<W.MembersJson>().toEqualTypeOf<MembersJson>();
    expectTypeOf<W.AccountJson>().toEqualTypeOf<AccountJson>();
    expectTypeOf<W.InvoiceJson>().toEqualTypeOf<InvoiceJson>();
    expectTypeOf<W.AssetJson>().toEqualTypeOf<AssetJson>();
    expectTypeOf<W.PageJson<W.InvoiceJson>>().toEqualTypeOf<InvoicesPage>();
    expectTypeOf<W.PageJson<W.AssetJson>>().toEqualTypeOf<AssetsPage>();
    expectTypeOf<W.HistoryEntryJson>().toEqualTypeOf<HistoryEntryJson>();
    expectTypeOf<W.HistoryJson>().toEqualTypeOf<Static<typeof History>>();
  });

  test('the SDK\'s error codes are the server\'s, plus its own', () => {
    expectTypeOf<ServerErrorCode>().toEqualTypeOf<ApiErrorCode>();
    expect([...SERVER_ERROR_CODES].sort()).toEqual([...API_ERROR_CODES].sort());
    expectTypeOf<LedgerClientError['code']>().toEqualTypeOf<ApiErrorCode | ClientErrorCode>();
  });

  test('every mempool admission code has an HTTP status in the API table', () => {
    expectTypeOf<AdmissionCode>().toExtend<SubmitRejectCode>();
  });

  test('TX_TYPES lists every payload type exactly once', () => {
    expectTypeOf<Exclude<TxType, (typeof TX_TYPES)[number]>>().toEqualTypeOf<never>();
    expect(new Set(TX_TYPES).size).toBe(TX_TYPES.length);
  });
});
