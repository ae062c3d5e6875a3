import { describe, expect, it } from 'vitest';
import { concealmentToc } from '../../../src/codec/concealment-packet.ts';

const toc = (config: number, stereo: boolean, code = 0) => (config << 3) | (stereo ? 4 : 0) | code;

describe('concealmentToc', () => {
  it('GIVEN no packet yet THEN it asks for 20 ms of CELT fullband stereo', () => {
    expect(concealmentToc(null)).toBe(toc(31, true));
  });

  it.each([
    ['SILK wideband 60 ms', toc(11, false, 3), toc(9, false)],
    ['SILK narrowband 10 ms', toc(0, true), toc(1, true)],
    ['hybrid fullband 10 ms', toc(14, true, 1), toc(15, true)],
    ['hybrid superwideband 20 ms', toc(13, false), toc(13, false)],
    ['CELT fullband 20 ms', toc(31, true, 2), toc(31, true)],
    ['CELT wideband 2.5 ms', toc(20, false), toc(23, false)],
  ])('GIVEN the last packet was %s THEN it asks for 20 ms in the same mode and channels', (_, last, want) => {
    expect(concealmentToc(last)).toBe(want);
  });
});
