// State keys of the accounts and governance contract (the one place they are spelled).

/** 'acct/<id>' → Account tuple. id = hex of the key the account was created with. */
export function accountKey(id: string): string {
  return 'acct/' + id;
}

/**
 * 'key/<pubhex>' → KeyEntry [accountId, active]. Every key ever used stays here: active for
 * an account's current key, inactive once rotated away, so a key is never reused and old
 * signatures can never be replayed under a new account.
 */
export function publicKeyKey(publicKeyHex: string): string {
  return 'key/' + publicKeyHex;
}

/** 'members' → the current member (validator) list, [[name, publicKey, address], ...]. */
export const MEMBERS_KEY = 'members';

/** 'prop/<proposalId>' → Proposal tuple. proposalId = tx hash hex of the member.propose. */
export function proposalKey(proposalId: string): string {
  return 'prop/' + proposalId;
}
