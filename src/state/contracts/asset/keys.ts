// State keys of the asset registry (the one place they are spelled).

/** 'asset/<id>' → Asset tuple. */
export function assetKey(id: string): string {
  return 'asset/' + id;
}

/** 'assetfp/<fingerprint>' → id of the asset that registered it. Never deleted. */
export function assetFingerprintKey(fingerprint: string): string {
  return 'assetfp/' + fingerprint;
}

/** Secondary index entries of an asset (outside the state root): by owner. */
export function assetIndexKeys(a: { readonly id: string; readonly owner: string }): (readonly string[])[] {
  return [['asset-owner', a.owner, a.id]];
}
