// `burnrate digest --dry-run [--week 2026-W47] [--json]` and `burnrate scan --dry-run [--json]`: the
// bot's reports printed, not posted, from the same settings the bot reads.
import type { PlanResult } from '../../commands/planResult.ts';
import { runDigest } from '../digest/digestJob.ts';
import { namedWeek } from '../digest/period.ts';
import { exclusionsFromSettings } from '../scan/idleFindings.ts';
import { runScan } from '../scan/scanJob.ts';
import { renderPlanText } from './planText.ts';
import { type FileSettings, loadSettings, SettingsError } from './settings.ts';

export interface ReportCliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

interface Report {
  name: string;
  usage: string;
  /** what posts it in Slack, for the message when --dry-run is missing */
  postedBy: string;
  takesWeek: boolean;
  /** the report, or a sentence saying what was wrong with the week asked for */
  run(file: FileSettings, now: Date, env: NodeJS.ProcessEnv, week: string | undefined): Promise<PlanResult | string>;
}

const DIGEST: Report = {
  name: 'digest', usage: 'burnrate digest --dry-run [--week 2026-W47] [--json]', postedBy: '/finops digest, or the weekly schedule', takesWeek: true,
  async run(file, now, env, week) {
    const period = week === undefined ? undefined : namedWeek(week, now, file.digest.timezone);
    if (week !== undefined && !period) return `--week ${week} is not an ISO week; write it like 2026-W47`;
    return runDigest(file.digest, now, env, period);
  },
};

const SCAN: Report = {
  name: 'scan', usage: 'burnrate scan --dry-run [--json]', postedBy: '/finops scan, or the daily schedule', takesWeek: false,
  run: (file, now, env) => runScan(file.digest, now, env, exclusionsFromSettings(file.scan)),
};

/** Returns the exit code: 0 printed, 2 bad input or settings. */
async function reportCli(report: Report, args: string[], json: boolean, io: ReportCliIo, now: Date): Promise<number> {
  const fail = (message: string) => {
    io.err(`burnrate ${report.name}: ${message}\n  usage: ${report.usage}`);
    return 2;
  };
  let dryRun = false;
  let week: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--dry-run') dryRun = true;
    else if (report.takesWeek && arg === '--week') week = args[++i] ?? '';
    else if (report.takesWeek && arg.startsWith('--week=')) week = arg.slice('--week='.length);
    else return fail(`did not understand "${arg}"`);
  }
  if (!dryRun) return fail(`the CLI prints the ${report.name} with --dry-run; the bot posts it (${report.postedBy})`);
  let file: FileSettings;
  try {
    file = loadSettings(io.env).file;
  } catch (error) {
    if (error instanceof SettingsError) return fail(error.message);
    throw error;
  }
  const result = await report.run(file, now, io.env, week);
  if (typeof result === 'string') return fail(result);
  io.out(json ? JSON.stringify(result, null, 2) : renderPlanText(result));
  return 0;
}

export const digestCli = (args: string[], json: boolean, io: ReportCliIo, now = new Date()) => reportCli(DIGEST, args, json, io, now);
export const scanCli = (args: string[], json: boolean, io: ReportCliIo, now = new Date()) => reportCli(SCAN, args, json, io, now);
