// `npm run bench`: runs each benchmark suite in order. Add a suite by importing it into `suites`.
import { audioPathBench } from './audio-path.bench.ts';
import { daveBench } from './dave.bench.ts';
import type { BenchSuite } from './measure.ts';
import { turnEndBench } from './turn-end.bench.ts';
import { voiceLatencyBench } from './voice-latency.bench.ts';

const suites: readonly BenchSuite[] = [audioPathBench, daveBench, voiceLatencyBench, turnEndBench];

console.log(`node ${process.version}, ${process.arch}, pid ${process.pid}`);
for (const suite of suites) {
  console.log(`\n## ${suite.name}\n`);
  await suite.run();
}
