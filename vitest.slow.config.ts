// The slow end-to-end checks (`npm run test:slow`, run by .ci/run after `npm test`): minutes each, so kept out of
// the everyday Vitest run; nothing in them is skipped.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/slow/**/*.slow.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
