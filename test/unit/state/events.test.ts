import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/codec/errors.js';
import { pack } from '../../../src/codec/msgpack.js';
import { contractEventToJson, decodeContractEvent, encodeContractEvent, historySubject } from '../../../src/state/events.js';
import type { ContractEvent } from '../../../src/state/types.js';

const event: ContractEvent = {
  subject: 'invoice', id: 'INV-1', action: 'split', actor: 'ab'.repeat(32), height: 2 ** 40, txIndex: 7, txHash: new Uint8Array(32).fill(3), seq: 12,
  data: { parts: [{ id: 'a', amount: '9223372036854775807' }], note: null, ok: true },
};

describe('contract events', () => {
  it('round-trip through their encoding and render as JSON with a hex hash', () => {
    expect(decodeContractEvent(encodeContractEvent(event))).toEqual(event);
    expect(contractEventToJson(event)).toMatchObject({ txHash: '03'.repeat(32), height: 2 ** 40, seq: 12 });
    expect(historySubject('asset', 'A-1')).toBe('asset/A-1');
  });

  it('refuse anything else with a DecodeError', () => {
    const bad = [pack(['invoice']), pack(['thing', 'x', 'a', 'b', 1, 0, new Uint8Array(32), 0, {}]), pack(['invoice', 'x', 'a', 'b', 1, 0, new Uint8Array(32), 0, [1]]), Uint8Array.of(0xc1)];
    for (const b of bad) expect(() => decodeContractEvent(b)).toThrow(DecodeError);
  });
});
