import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // the Lambda bundles the tests build run as Node loads them on Lambda, not transformed by Vite
    server: { deps: { external: [/[\\/]burnrate-package-[^\\/]+[\\/]dist[\\/]lambda[\\/]/] } },
  },
});
