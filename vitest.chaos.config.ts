import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// `npm run test:chaos`: the whole chaos suite. Its fast half (*.test.ts) also runs in `npm test`;
// the slow half (*.chaos.ts: slow setups, storms that wait out backoffs) runs only here.
// (mergeConfig would append to `include` rather than replace it.)
export default defineConfig({
  test: { ...base.test, include: ['test/chaos/**/*.test.ts', 'test/chaos/**/*.chaos.ts'] },
});
