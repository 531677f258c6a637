import type { MemberIndex, View } from '../../types/primitives.js';

/**
 * R3: the leader of view v is members[v mod n] of the epoch. Round-robin needs no agreement
 * beyond the member list, and over any n consecutive views every member leads once, so f
 * Byzantine members can fail at most f consecutive views.
 */
export function leaderOf(view: View, memberCount: number): MemberIndex {
  return view % memberCount;
}
