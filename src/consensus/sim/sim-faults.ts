/**
 * Deliberately broken epoch handling outside the core (docs/protocol.md R20), planted in the
 * simulator's own stand-ins for the application and the node's wiring, to prove the seeds and
 * the InvariantMonitor catch such bugs (test/sim/sim-faults.test.ts). Like CoreMutations,
 * they apply to honest nodes only and nothing outside tests sets them.
 */
export interface SimFaults {
  /** The application does not stop at the reconfiguration block: it appends the ended epoch's suffix too. */
  readonly commitSuffix?: boolean;
  /** The application starts each new epoch with the old member list, so nodes keep voting with it. */
  readonly staleMembers?: boolean;
  /** The node never points its transport at the new member list (no onEpochChange wiring). */
  readonly staleTransport?: boolean;
  /** The application refuses a block stamped too far ahead of its clock: validity, not voting (breaks R5). */
  readonly futureInvalid?: boolean;
}

/** Every planted epoch fault, by name (futureInvalid is planted by test/sim/planted-bugs.test.ts). */
export const SIM_FAULTS = ['commitSuffix', 'staleMembers', 'staleTransport'] as const;

/** One of SIM_FAULTS. */
export type SimFaultName = (typeof SIM_FAULTS)[number];
