// Before any test: build the CLI and bot bundles exactly as `npm ci` does (its prepare script), so
// the tests of bin/ run the artifacts a user runs, built from the sources under test.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../bin/build-cli.js', import.meta.url))], { stdio: 'inherit' });
}
