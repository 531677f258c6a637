import { pack, unpackTrusted } from '../codec/msgpack.js';
import { readArray, readBytes, readInt, readTuple } from '../codec/read.js';
import type { EpochInfo } from '../consensus/core/types.js';
import type { Genesis } from '../types/genesis.js';
import type { Hash } from '../types/primitives.js';
import { EpochHistory as BaseEpochHistory } from '../util/epoch-history.js';

/** Epoch 0: the genesis members, from height 1, rooted at the genesis hash (view 0). */
export function genesisEpoch(genesis: Genesis, genesisHash: Hash): EpochInfo {
  return { epoch: 0, members: genesis.members.map((m) => m.publicKey), startHeight: 1, rootHash: genesisHash, rootView: 0 };
}

/** Stored form of an epoch (storage prefix membersByEpoch). */
export function encodeEpoch(e: EpochInfo): Uint8Array {
  return pack([e.epoch, e.members, e.startHeight, e.rootHash, e.rootView]);
}

/** Inverse of encodeEpoch, for bytes this node wrote. */
export function decodeEpoch(bytes: Uint8Array): EpochInfo {
  const t = readTuple(unpackTrusted(bytes), 'epoch', 5);
  return {
    epoch: readInt(t[0], 'epoch.epoch'),
    members: readArray(t[1], 'epoch.members', 256).map((k) => readBytes(k, 'epoch.member', 32)),
    startHeight: readInt(t[2], 'epoch.startHeight', 1),
    rootHash: readBytes(t[3], 'epoch.rootHash', 32),
    rootView: readInt(t[4], 'epoch.rootView'),
  };
}

/** Every epoch of the chain, oldest first (util/epoch-history.ts, shared with the SDK). */
export class EpochHistory extends BaseEpochHistory<EpochInfo> {}
