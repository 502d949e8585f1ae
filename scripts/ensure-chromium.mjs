#!/usr/bin/env node
// Run by `npm test` before the tests: the browser tests drive Debian's Chromium through
// playwright-core, which downloads no browser of its own. Installs the chromium package where it is
// missing and this user can (root with apt-get); otherwise says how to install it and fails.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.BURNRATE_CHROMIUM || '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error(`ensure-chromium: the browser tests need Chromium at ${CHROMIUM}.
  Install Debian's package (sudo apt-get install chromium), or set BURNRATE_CHROMIUM to a Chromium or Chrome binary.`);
    process.exit(1);
  }
  console.error(
    `ensure-chromium: ${CHROMIUM} is missing; installing Debian's chromium (and an emoji font for the screenshots) for the browser tests`,
  );
  const apt = (args) =>
    execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', 'chromium', 'fonts-noto-color-emoji']);
  if (!existsSync(CHROMIUM)) {
    console.error(`ensure-chromium: apt-get installed chromium but ${CHROMIUM} is still missing`);
    process.exit(1);
  }
}
