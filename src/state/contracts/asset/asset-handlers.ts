import type { AnyTxHandler } from '../../types.js';
import { freezeAsset } from './freeze.js';
import { pledgeAsset } from './pledge.js';
import { registerAsset } from './register.js';
import { releaseAsset } from './release.js';
import { transferAsset } from './transfer.js';
import { unfreezeAsset } from './unfreeze.js';

/**
 * Digital asset registry (docs/transactions.md, Digital asset registry).
 *
 * One handler per file: register, transfer, pledge, release, freeze, unfreeze; records in
 * types.ts, keys in keys.ts.
 * State: 'asset/<id>' assets, 'assetfp/<fp>' fingerprints ever registered.
 * Invariants:
 * - a fingerprint is registered at most once, forever;
 * - a pledged asset cannot be transferred or pledged again until its pledgee releases it;
 * - a frozen asset accepts no change but unfreeze.
 * History: every change emits an 'asset' event (who, what, height, tx hash).
 * Tests: test/unit/state/contracts/asset.test.ts.
 */
export const ASSET_HANDLERS: readonly AnyTxHandler[] = [registerAsset, transferAsset, pledgeAsset, releaseAsset, freezeAsset, unfreezeAsset];
