// Bench helpers: CPU time per 20 ms frame (median of several runs after warm-up), tables, a gc hook.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One benchmark file: `run.ts` imports each and runs them in order. */
export interface BenchSuite {
  name: string;
  run(): void | Promise<void>;
}

/** Real time per frame: ×RT = this / µs per frame = streams one core could carry doing nothing else. */
export const FRAME_US = 20_000;

export interface Measurement {
  label: string;
  /** Median over runs of CPU µs per frame. */
  us: number;
  min: number;
  max: number;
}

export interface MeasureOptions {
  warmupFrames?: number;
  framesPerRun?: number;
  runs?: number;
}

/** Keeps results alive so the JIT cannot drop the work being measured. */
let sink = 0;
export function consume(value: { length: number }): void {
  sink = (sink + value.length) | 0;
}
export function sinkValue(): number {
  return sink;
}

/**
 * CPU time (user + system, so GC threads count too) per call of `step`, which processes one frame.
 * CPU time rather than wall time, because other work on a shared machine inflates wall time.
 */
export function measure(
  label: string,
  step: (frame: number) => void,
  options: MeasureOptions = {},
): Measurement {
  const { warmupFrames = 500, framesPerRun = 1_000, runs = 7 } = options;
  let frame = 0;
  for (let i = 0; i < warmupFrames; i++) step(frame++);
  const perFrame: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < framesPerRun; i++) step(frame++);
    const used = process.cpuUsage(start);
    perFrame.push((used.user + used.system) / framesPerRun);
  }
  perFrame.sort((a, b) => a - b);
  return { label, us: perFrame[Math.floor(runs / 2)]!, min: perFrame[0]!, max: perFrame[runs - 1]! };
}

export function formatTable(rows: readonly Measurement[]): string {
  const width = Math.max(...rows.map((r) => r.label.length));
  const head = `${'per 20 ms frame'.padEnd(width)}  ${'µs'.padStart(7)}  ${'×RT'.padStart(7)}  runs min–max µs`;
  const lines = rows.map(
    (r) =>
      `${r.label.padEnd(width)}  ${r.us.toFixed(1).padStart(7)}  ${(FRAME_US / r.us).toFixed(0).padStart(7)}  ${r.min.toFixed(1)}–${r.max.toFixed(1)}`,
  );
  return [head, '-'.repeat(head.length + 4), ...lines].join('\n');
}

/** A full garbage collection, without needing `--expose-gc` on the command line. */
export function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
