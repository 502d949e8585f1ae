// `burnrate digest --dry-run [--week 2026-W47] [--json]`, `burnrate scan --dry-run [--json]`,
// `burnrate rightsize --dry-run [--json]` and `burnrate audit [--since 7d] [--json]`: the bot's
// reports printed, not posted, and its audit log, from the same settings and state file the bot reads.
import type { PlanResult } from '../../commands/planResult.ts';
import { runScan } from '../../reports/idleScan/scanJob.ts';
import { rightsizingSettings } from '../../reports/rightsizing/recommend.ts';
import { rightsizingAsPlan, runRightsizing } from '../../reports/rightsizing/rightsizeJob.ts';
import { runDigest } from '../../reports/weeklyDigest/digestJob.ts';
import { AUDIT_WINDOW_HELP, auditLine, DEFAULT_AUDIT_WINDOW, parseAuditWindow, readAudit } from '../actions/auditLog.ts';
import { namedWeek } from '../calc/period.ts';
import { digestSettings } from '../settings/fileSettings.ts';
import { openStateStore } from '../state/openStateStore.ts';
import { scanOptions } from './finopsJobs.ts';
import { renderPlanText } from './planText.ts';
import { loadSettings, type Settings, SettingsError } from './settings.ts';

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
  run(settings: Settings, now: Date, env: NodeJS.ProcessEnv, week: string | undefined): Promise<Printed | string>;
}

/** A report as the terminal shows it, and what --json prints (the plan itself unless said otherwise). */
interface Printed {
  plan: PlanResult;
  json?: unknown;
}

const DIGEST: Report = {
  name: 'digest',
  usage: 'burnrate digest --dry-run [--week 2026-W47] [--json]',
  postedBy: '/finops digest, or the weekly schedule',
  takesWeek: true,
  async run({ file }, now, env, week) {
    const period = week === undefined ? undefined : namedWeek(week, now, file.digest.timezone);
    if (week !== undefined && !period) return `--week ${week} is not an ISO week; write it like 2026-W47`;
    return { plan: await runDigest(digestSettings(file), now, env, period, rightsizingSettings(file.rightsizing)) };
  },
};

const SCAN: Report = {
  name: 'scan',
  usage: 'burnrate scan --dry-run [--json]',
  postedBy: '/finops scan, or the daily schedule',
  takesWeek: false,
  async run(settings, now, env) {
    // the bot's state: what was snoozed or kept in Slack stays out of the CLI's scan too
    const state = await openStateStore(settings);
    try {
      return { plan: (await runScan(settings.file.digest, now, env, scanOptions(settings.file), state)).plan };
    } finally {
      await state.close();
    }
  },
};

const RIGHTSIZE: Report = {
  name: 'rightsize',
  usage: 'burnrate rightsize --dry-run [--json]',
  postedBy: '/finops rightsize, or the daily scan',
  takesWeek: false,
  async run(settings, now, env) {
    const rightsizing = rightsizingSettings(settings.file.rightsizing);
    const report = await runRightsizing(digestSettings(settings.file), now, env, rightsizing);
    return { plan: rightsizingAsPlan(report, rightsizing), json: report };
  },
};

/** The bot's settings, or what is wrong with them. */
function settingsOrMessage(env: NodeJS.ProcessEnv): Settings | string {
  try {
    return loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.message;
    throw error;
  }
}

/** Returns the exit code: 0 printed, 1 printed but no source could be read, 2 bad input or settings. */
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
  const settings = settingsOrMessage(io.env);
  if (typeof settings === 'string') return fail(settings);
  const result = await report.run(settings, now, io.env, week);
  if (typeof result === 'string') return fail(result);
  const { plan } = result;
  io.out(json ? JSON.stringify(result.json ?? plan, null, 2) : renderPlanText(plan));
  if (!plan.unavailable) return 0;
  // printed with its notes, but nothing was read: a script running it must not take it for a report
  io.err(`burnrate ${report.name}: ${plan.unavailable}`);
  return 1;
}

export const digestCli = (args: string[], json: boolean, io: ReportCliIo, now = new Date()) => reportCli(DIGEST, args, json, io, now);
export const scanCli = (args: string[], json: boolean, io: ReportCliIo, now = new Date()) => reportCli(SCAN, args, json, io, now);
export const rightsizeCli = (args: string[], json: boolean, io: ReportCliIo, now = new Date()) => reportCli(RIGHTSIZE, args, json, io, now);

/** `burnrate audit [--since 7d] [--json]`: the audit log of actions on idle resources, newest first. */
export async function auditCli(args: string[], json: boolean, io: ReportCliIo, now = new Date()): Promise<number> {
  const usage = 'burnrate audit [--since 7d] [--json]';
  const fail = (message: string) => {
    io.err(`burnrate audit: ${message}\n  usage: ${usage}`);
    return 2;
  };
  let since = DEFAULT_AUDIT_WINDOW;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--since') since = args[++i] ?? '';
    else if (arg.startsWith('--since=')) since = arg.slice('--since='.length);
    else return fail(`did not understand "${arg}"`);
  }
  const windowMs = parseAuditWindow(since);
  if (windowMs === undefined) return fail(`--since "${since}" is not ${AUDIT_WINDOW_HELP}`);
  const settings = settingsOrMessage(io.env);
  if (typeof settings === 'string') return fail(settings);
  const state = await openStateStore(settings);
  try {
    const entries = await readAudit(state, windowMs, Number.MAX_SAFE_INTEGER, now.getTime());
    io.out(
      json
        ? JSON.stringify(entries, null, 2)
        : entries.length
          ? entries.map((e) => auditLine(e)).join('\n')
          : `Nothing recorded in the last ${since}.`,
    );
    return 0;
  } finally {
    await state.close();
  }
}
