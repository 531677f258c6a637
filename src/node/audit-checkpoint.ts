import type { EpochInfo } from '../consensus/core/types.js';
import { StateTree } from '../crypto/smt.js';
import { genesisHash } from '../state/genesis-state.js';
import type { Genesis } from '../types/genesis.js';
import { bytesEqual, fromHex, toHex } from '../util/bytes.js';
import { OperationalError } from '../util/errors.js';
import type { AuditEnd } from './audit.js';
import { genesisEpoch } from './epochs.js';

// The file `ledger audit --checkpoint` writes and `--from` resumes from. It holds the whole
// re-executed world state at its height (the next blocks cannot be re-executed without it),
// bound by its root to the header's stateRoot; loading recomputes that root, so a checkpoint
// edited by hand fails instead of steering the audit.

/** Format tag of the file. */
export const CHECKPOINT_FORMAT = 'ledger-audit-checkpoint/1';

/** JSON form of a checkpoint. */
export interface CheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  chainId: string;
  genesisHash: string;
  height: number;
  hash: string;
  stateRoot: string;
  /** The member set in force after `height` (public keys, hex, in member-index order). */
  members: string[];
  /** Every epoch since genesis (the genesis epoch first). */
  epochs: { epoch: number; members: string[]; startHeight: number; rootHash: string; rootView: number }[];
  /** The member-set changes since genesis, as the SDK's memberSetsFrom takes them. */
  memberChanges: { epoch: number; startHeight: number; members: string[] }[];
  /** The world state at `height`: [key hex, value hex], in tree order. */
  state: [string, string][];
}

/** The checkpoint of a passed audit's end. */
export function checkpointToJson(genesis: Genesis, end: AuditEnd): CheckpointJson {
  const epochs = end.epochs.map((e) => ({ epoch: e.epoch, members: e.members.map(toHex), startHeight: e.startHeight, rootHash: toHex(e.rootHash), rootView: e.rootView }));
  return {
    format: CHECKPOINT_FORMAT,
    chainId: genesis.chainId,
    genesisHash: toHex(genesisHash(genesis)),
    height: end.height,
    hash: toHex(end.hash),
    stateRoot: toHex(end.stateRoot),
    members: epochs[epochs.length - 1]?.members ?? [],
    epochs,
    memberChanges: epochs.slice(1).map(({ epoch, startHeight, members }) => ({ epoch, startHeight, members })),
    state: [...end.state.entries()].map(([k, v]) => [toHex(k), toHex(v)]),
  };
}

function bad(message: string): never {
  throw new OperationalError('CHECKPOINT_INVALID', message);
}

function hex(v: unknown, field: string, len?: number): Uint8Array {
  const b = typeof v === 'string' ? fromHex(v) : null;
  if (b === null || (len !== undefined && b.length !== len)) bad(`${field} is not ${len === undefined ? '' : `${len}-byte `}hex`);
  return b;
}

function int(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad(`${field} is not a non-negative integer`);
  return v;
}

/** Reads a checkpoint for `genesis`; throws CHECKPOINT_INVALID naming what is wrong. */
export function checkpointFromJson(json: unknown, genesis: Genesis): AuditEnd {
  if (typeof json !== 'object' || json === null) bad('not a JSON object');
  const j = json as Partial<CheckpointJson>;
  if (j.format !== CHECKPOINT_FORMAT) bad(`format is ${String(j.format)}, expected ${CHECKPOINT_FORMAT}`);
  const gHash = genesisHash(genesis);
  if (j.chainId !== genesis.chainId || !bytesEqual(hex(j.genesisHash, 'genesisHash', 32), gHash)) {
    bad(`it was written for genesis ${String(j.genesisHash)} (chain ${String(j.chainId)}), not the trusted ${toHex(gHash)} (chain ${genesis.chainId})`);
  }
  if (!Array.isArray(j.epochs) || j.epochs.length === 0) bad('epochs are missing');
  const epochs: EpochInfo[] = j.epochs.map((e, i) => ({
    epoch: int(e?.epoch, `epochs[${i}].epoch`),
    members: Array.isArray(e?.members) ? e.members.map((m, k) => hex(m, `epochs[${i}].members[${k}]`, 32)) : bad(`epochs[${i}].members is missing`),
    startHeight: int(e?.startHeight, `epochs[${i}].startHeight`),
    rootHash: hex(e?.rootHash, `epochs[${i}].rootHash`, 32),
    rootView: int(e?.rootView, `epochs[${i}].rootView`),
  }));
  const g = genesisEpoch(genesis, gHash);
  const first = epochs[0] as EpochInfo;
  if (first.epoch !== 0 || !bytesEqual(first.rootHash, g.rootHash) || first.members.length !== g.members.length || first.members.some((m, i) => !bytesEqual(m, g.members[i] as Uint8Array))) {
    bad('its first epoch is not the genesis members');
  }
  if (!Array.isArray(j.state)) bad('state is missing');
  const state = StateTree.fromEntries(j.state.map(([k, v], i) => [hex(k, `state[${i}].key`), hex(v, `state[${i}].value`)] as const));
  const stateRoot = hex(j.stateRoot, 'stateRoot', 32);
  if (!bytesEqual(state.root, stateRoot)) bad(`its state has root ${toHex(state.root)}, not the stateRoot ${toHex(stateRoot)} it names`);
  return { height: int(j.height, 'height'), hash: hex(j.hash, 'hash', 32), stateRoot, epochs, state };
}
