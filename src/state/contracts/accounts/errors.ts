/** Rejections of account.register, account.rotate, account.setrole, member.propose and member.vote. */
export type AccountsErrorCode =
  /** The public key is not a canonical, non-small-order ed25519 point. */
  | 'KEY_INVALID'
  /** The public key is, or once was, the key of an account (keys are never reused). */
  | 'KEY_TAKEN'
  /** account.register and account.setrole may not make members: only governance (member.propose) does. */
  | 'ROLE_NOT_REGISTRABLE'
  /** A member's key and role change through governance (member.propose), not account.rotate or account.setrole. */
  | 'ACCOUNT_IS_MEMBER'
  /** account.setrole: the account already has this role. */
  | 'ROLE_UNCHANGED'
  /** member.propose add: the key already belongs to a current member. */
  | 'MEMBER_EXISTS'
  /** member.propose remove: the key is not a current member. */
  | 'MEMBER_NOT_FOUND'
  /** member.propose remove: the last member cannot be removed. */
  | 'MEMBER_LAST'
  /** member.vote: no proposal with this id (the tx hash hex of the member.propose). */
  | 'PROPOSAL_NOT_FOUND'
  /** member.vote: the proposal was already decided (approved, rejected or failed). */
  | 'PROPOSAL_CLOSED'
  /** member.vote: this member already voted on the proposal (the proposer's propose counts as a vote). */
  | 'PROPOSAL_ALREADY_VOTED';
