// Kaiser-windowed sinc low-pass design shared by the streaming resamplers (pure math, run once).

/** Zeroth-order modified Bessel function of the first kind (power series; converges fast for β < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 60; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function sinc(x: number): number {
  return x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
}

export interface LowPassSpec {
  /** Odd, so the filter is symmetric around one centre tap (linear phase, integer delay). */
  taps: number;
  /** −6 dB point of the windowed sinc. */
  cutoffHz: number;
  sampleRateHz: number;
  /** Kaiser β: 8.5 gives ≈ 85 dB stopband attenuation. */
  kaiserBeta: number;
}

/** Linear-phase low-pass taps normalised to unity gain at DC. */
export function designLowPass(spec: LowPassSpec): Float64Array {
  const { taps, cutoffHz, sampleRateHz, kaiserBeta } = spec;
  const h = new Float64Array(taps);
  const centre = (taps - 1) / 2;
  const fc = cutoffHz / sampleRateHz;
  const i0Beta = besselI0(kaiserBeta);
  let sum = 0;
  for (let n = 0; n < taps; n++) {
    const r = (n - centre) / centre;
    const window = besselI0(kaiserBeta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    h[n] = 2 * fc * sinc(2 * fc * (n - centre)) * window;
    sum += h[n]!;
  }
  for (let n = 0; n < taps; n++) h[n] = h[n]! / sum;
  return h;
}
