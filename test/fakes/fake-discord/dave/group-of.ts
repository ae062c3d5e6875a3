// Davey sessions put into one established group through the fake gateway, for unit tests and benches.
import davey from '@snazzah/davey';
import { DaveCall, type DaveMember } from './call.ts';

/**
 * Sessions for `userIds` (2 or more) in one DAVE group of `channelId`, formed by the fake gateway:
 * the first commits the others' external Add proposals, the others process the Welcome.
 */
export function groupOf(channelId: string, userIds: string[]): davey.DAVESession[] {
  const call = new DaveCall(channelId, (message) => {
    throw new Error(message);
  });
  const sessions = userIds.map((id) => new davey.DAVESession(1, id, channelId));
  const inbox = new Map<string, Buffer>();
  for (const s of sessions) {
    const member: DaveMember = {
      userId: s.userId,
      kind: 'human',
      json: () => undefined,
      binary: (op, payload) => {
        if (op === 25) s.setExternalSender(payload);
        else inbox.set(`${s.userId}:${op}`, payload);
      },
    };
    call.join(member);
  }
  for (const s of sessions) call.keyPackage(s.userId, s.getSerializedKeyPackage());
  const got = (userId: string, op: number): Buffer => {
    const payload = inbox.get(`${userId}:${op}`);
    if (!payload) throw new Error(`${userId} got no op ${op}`);
    return payload;
  };
  const [first, ...others] = sessions as [davey.DAVESession, ...davey.DAVESession[]];
  const proposals = got(first.userId, 27);
  const r = first.processProposals(0, proposals.subarray(1), userIds);
  if (!r.commit || !r.welcome) throw new Error('the first member did not commit');
  call.commitWelcome(first.userId, Buffer.concat([r.commit, r.welcome]));
  first.processCommit(r.commit);
  for (const s of others) s.processWelcome(got(s.userId, 30).subarray(2));
  call.stop();
  return sessions;
}
