import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['hwgen/**/*.test.ts', 'sim/**/*.test.ts', 'testbench/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
