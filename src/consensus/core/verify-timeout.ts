import type { TimeoutMessage } from '../../codec/consensus.js';
import type { MemberIndex, View } from '../../types/primitives.js';
import { err, ok, type Result } from '../../util/result.js';
import { timeoutSigningBytes, type CertificateChecker } from './certificates.js';
import type { EpochInfo } from './types.js';

/**
 * R11: a timeout from `from` is valid when it is for this epoch, signed by `from` over
 * (epoch, view, highQcView), carries valid certificates, and justifies its view: its highQc is
 * from the view just before, or its lastTc is the TC of the view just before. Unjustified
 * timeouts (far-future views) are dropped, so they cannot drag honest nodes ahead. Returns the
 * view of the timeout's highQc.
 */
export function verifyTimeout(
  m: TimeoutMessage, from: MemberIndex, chainId: string, epoch: EpochInfo, certs: CertificateChecker,
): Result<View, string> {
  const members = epoch.members;
  const qcView = m.highQc === null ? epoch.rootView : m.highQc.data.view;
  if (m.epoch !== epoch.epoch) return err('wrong epoch');
  if (qcView >= m.view) return err('highQc not below the view');
  if (m.view !== qcView + 1 && (m.lastTc === null || m.lastTc.view !== m.view - 1)) return err('view not justified');
  if (m.highQc !== null && (m.highQc.data.epoch !== m.epoch || !certs.verifyQc(m.highQc, members))) return err('invalid highQc');
  if (m.lastTc !== null && (m.lastTc.epoch !== m.epoch || !certs.verifyTc(m.lastTc, members, epoch.rootView))) return err('invalid lastTc');
  if (!certs.verifySigner(members, from, timeoutSigningBytes(chainId, m.epoch, m.view, qcView), m.signature)) return err('bad signature');
  return ok(qcView);
}
