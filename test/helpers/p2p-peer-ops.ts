/**
 * First byte of a message to a peer process. ECHO: sent back unchanged on the same channel.
 * BULK [op][u32 run][u32 seq][u32 total]...: counted; when seq = total-1 the peer answers on
 * 'consensus' with BULK_DONE [op][u32 run][u32 received in that run][f64 its CPU µs so far].
 */
export const PEER_OPS = { ECHO: 1, BULK: 2, BULK_DONE: 3 } as const;
