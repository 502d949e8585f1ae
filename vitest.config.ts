import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // the bundles bin/ runs, built as npm ci builds them
    globalSetup: ['test/support/buildBundles.ts'],
    // the Lambda bundles the tests build run as Node loads them on Lambda, not transformed by Vite
    server: { deps: { external: [/[\\/]burnrate-package-[^\\/]+[\\/]dist[\\/]lambda[\\/]/] } },
  },
});
