import { pack, unpackTrusted } from '../codec/msgpack.js';
import { readBytes, readInt, readString, readTuple } from '../codec/read.js';
import { DecodeError } from '../codec/errors.js';
import { toHex } from '../util/bytes.js';
import type { ContractEvent, EventData, EventSubject } from './types.js';

const SUBJECTS: readonly string[] = ['invoice', 'asset', 'account', 'member'];

/** Tuple: [subject, id, action, actor, height, txIndex, txHash, seq, data]. */
export function encodeContractEvent(e: ContractEvent): Uint8Array {
  return pack([e.subject, e.id, e.action, e.actor, e.height, e.txIndex, e.txHash, e.seq, e.data]);
}

/**
 * Inverse of encodeContractEvent, for bytes this node stored (history) or streams; throws
 * DecodeError on anything else.
 */
export function decodeContractEvent(bytes: Uint8Array): ContractEvent {
  const t = readTuple(unpackTrusted(bytes), 'event', 9);
  const subject = readString(t[0], 'event.subject', 16);
  if (!SUBJECTS.includes(subject)) throw new DecodeError('DECODE_BAD_FIELD', 'event.subject: unknown subject', { field: 'event.subject' });
  const data = t[8];
  if (typeof data !== 'object' || data === null || Array.isArray(data) || data instanceof Uint8Array) {
    throw new DecodeError('DECODE_BAD_FIELD', 'event.data: expected object', { field: 'event.data' });
  }
  return {
    subject: subject as EventSubject,
    id: readString(t[1], 'event.id', 256),
    action: readString(t[2], 'event.action', 64),
    actor: readString(t[3], 'event.actor', 64),
    height: readInt(t[4], 'event.height'),
    txIndex: readInt(t[5], 'event.txIndex'),
    txHash: readBytes(t[6], 'event.txHash', 32),
    seq: readInt(t[7], 'event.seq'),
    data: data as EventData,
  };
}

/**
 * The history stream an event belongs to, e.g. 'invoice/INV-1'. The node keys history as
 * (historySubject, height, seq), which lists one object's changes in order.
 */
export function historySubject(subject: EventSubject, id: string): string {
  return `${subject}/${id}`;
}

/** JSON form of an event for the API and server-sent events (txHash as hex). */
export function contractEventToJson(e: ContractEvent): Record<string, unknown> {
  return {
    subject: e.subject, id: e.id, action: e.action, actor: e.actor, height: e.height, txIndex: e.txIndex,
    txHash: toHex(e.txHash), seq: e.seq, data: e.data,
  };
}
