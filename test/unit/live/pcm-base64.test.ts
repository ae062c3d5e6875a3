import { describe, expect, it } from 'vitest';
import { base64ToPcm16, pcm16ToBase64 } from '../../../src/live/pcm-base64.ts';

describe('PCM16 ↔ base64', () => {
  it('GIVEN extreme and negative samples THEN they round-trip exactly as little-endian bytes', () => {
    const samples = Int16Array.of(0, 1, -1, 32_767, -32_768, 256, -257);
    const encoded = pcm16ToBase64(samples);
    expect(Buffer.from(encoded, 'base64')).toEqual(
      Buffer.from([0, 0, 1, 0, 255, 255, 255, 127, 0, 128, 0, 1, 255, 254]),
    );
    expect(base64ToPcm16(encoded)).toEqual(samples);
  });

  it('GIVEN a view into a larger buffer THEN only its own samples are encoded', () => {
    const whole = Int16Array.of(9, 9, 5, -6, 9);
    expect(base64ToPcm16(pcm16ToBase64(whole.subarray(2, 4)))).toEqual(Int16Array.of(5, -6));
  });

  it('GIVEN an odd trailing byte THEN it is ignored', () => {
    expect(base64ToPcm16(Buffer.from([1, 0, 2, 0, 7]).toString('base64'))).toEqual(Int16Array.of(1, 2));
  });
});
