// `burnrate digest --dry-run [--week 2026-W47] [--json]`: the weekly digest printed, not posted.
import type { PlanResult } from '../../commands/planResult.ts';
import { runDigest } from '../digest/digestJob.ts';
import { namedWeek } from '../digest/period.ts';
import { renderPlanText } from './planText.ts';
import { loadSettings, SettingsError } from './settings.ts';

export const DIGEST_USAGE = 'usage: burnrate digest --dry-run [--week 2026-W47] [--json]';

export interface DigestCliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** Returns the exit code: 0 printed, 2 bad input or settings. */
export async function digestCli(args: string[], json: boolean, io: DigestCliIo, now = new Date()): Promise<number> {
  const fail = (message: string) => {
    io.err(`burnrate digest: ${message}\n  ${DIGEST_USAGE}`);
    return 2;
  };
  let dryRun = false;
  let week: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--week') week = args[++i] ?? '';
    else if (arg.startsWith('--week=')) week = arg.slice('--week='.length);
    else return fail(`did not understand "${arg}"`);
  }
  if (!dryRun) return fail('the CLI prints the digest with --dry-run; the bot posts it (/finops digest, or the weekly schedule)');
  let settings;
  try {
    settings = loadSettings(io.env).file.digest;
  } catch (error) {
    if (error instanceof SettingsError) return fail(error.message);
    throw error;
  }
  const period = week === undefined ? undefined : namedWeek(week, now, settings.timezone);
  if (week !== undefined && !period) return fail(`--week ${week} is not an ISO week; write it like 2026-W47`);
  const result: PlanResult = await runDigest(settings, now, io.env, period);
  io.out(json ? JSON.stringify(result, null, 2) : renderPlanText(result));
  return 0;
}
