import { pack } from '../../../codec/msgpack.js';
import { utf8 } from '../../../util/bytes.js';
import type { Payload } from '../../../types/primitives.js';
import type { TxHandler } from '../../types.js';
import { expectKeys, failField, ID_RE, payloadValidator, readId, readMatch, readObject } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { assetFingerprintKey, assetKey } from './keys.js';
import { saveAsset } from './types.js';

/** asset.register payload. */
export interface RegisterAssetPayload {
  readonly id: string;
  /** Category, e.g. 'warehouse-receipt': [A-Za-z0-9._:-]{1,64}. */
  readonly kind: string;
  /** Unique across the registry (e.g. a document hash): [A-Za-z0-9._:-]{1,128}. */
  readonly fingerprint: string;
  /** A JSON object of at most MAX_METADATA_BYTES encoded. */
  readonly metadata: Payload;
}

/** Largest encoded metadata object. */
export const MAX_METADATA_BYTES = 8 * 1024;
export const KIND_RE = /^[A-Za-z0-9._:-]{1,64}$/;

/** asset.register {id, kind, fingerprint, metadata}, by an integrator or member; owner = signer. */
export const registerAsset: TxHandler<RegisterAssetPayload> = {
  type: 'asset.register',
  roles: ['integrator', 'member'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['fingerprint', 'id', 'kind', 'metadata']);
    const metadata = readObject(p, 'metadata');
    if (pack(metadata).length > MAX_METADATA_BYTES) failField('metadata', `must encode to at most ${MAX_METADATA_BYTES} bytes`);
    return { id: readId(p, 'id'), kind: readMatch(p, 'kind', KIND_RE), fingerprint: readMatch(p, 'fingerprint', ID_RE), metadata };
  }),
  execute(ctx, p) {
    if (ctx.state.get(assetKey(p.id)) !== undefined) return reject('ASSET_EXISTS', { id: p.id });
    const fpKey = assetFingerprintKey(p.fingerprint);
    if (ctx.state.get(fpKey) !== undefined) return reject('FINGERPRINT_TAKEN', { fingerprint: p.fingerprint });
    saveAsset(ctx.state, {
      id: p.id, kind: p.kind, fingerprint: p.fingerprint, metadata: p.metadata, owner: ctx.signer, pledgee: null, frozen: false,
      frozenReason: null, registeredBy: ctx.signer, createdHeight: ctx.height, updatedHeight: ctx.height,
    });
    ctx.state.put(fpKey, utf8(p.id));
    ctx.emit({ subject: 'asset', id: p.id, action: 'registered', data: { owner: ctx.signer, kind: p.kind, fingerprint: p.fingerprint } });
    return OK;
  },
};
