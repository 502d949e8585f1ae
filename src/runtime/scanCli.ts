// `burnrate scan --dry-run [--json]`: the idle-resource scan printed, not posted.
import { exclusionsFromSettings } from '../scan/idleFindings.ts';
import { runScan } from '../scan/scanJob.ts';
import type { DigestCliIo } from './digestCli.ts';
import { renderPlanText } from './planText.ts';
import { loadSettings, SettingsError } from './settings.ts';

export const SCAN_USAGE = 'usage: burnrate scan --dry-run [--json]';

/** Returns the exit code: 0 printed, 2 bad input or settings. */
export async function scanCli(args: string[], json: boolean, io: DigestCliIo, now = new Date()): Promise<number> {
  const unknown = args.find((a) => a !== '--dry-run');
  if (unknown !== undefined || !args.includes('--dry-run')) {
    io.err(`burnrate scan: ${unknown !== undefined ? `did not understand "${unknown}"` : 'the CLI prints the scan with --dry-run; the bot posts it (/finops scan)'}\n  ${SCAN_USAGE}`);
    return 2;
  }
  let settings;
  try {
    settings = loadSettings(io.env).file;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    io.err(`burnrate scan: ${error.message}\n  ${SCAN_USAGE}`);
    return 2;
  }
  const result = await runScan(settings.digest, now, io.env, exclusionsFromSettings(settings.scan));
  io.out(json ? JSON.stringify(result, null, 2) : renderPlanText(result));
  return 0;
}
