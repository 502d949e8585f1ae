// `burnrate <command> <text...> [--json]`: the slash commands in a terminal.
import { randomBytes } from 'node:crypto';
import { type ResultView, UsageError } from '../../commands/command.ts';
import type { GpuMemoryResult } from '../../commands/gpuMemory.ts';
import { COMMANDS, findCommand } from '../../commands/index.ts';
import type { PlanResult } from '../../commands/planResult.ts';
import { bundledCatalogs } from '../catalogs/catalogs.ts';
import { HuggingFaceHub, hubSettingsFromEnv } from '../hub/huggingFaceHub.ts';
import { LivePriceError, LivePrices, livePriceSettingsFromEnv } from '../pricing/livePrices.ts';
import { renderGpuMemoryText } from './gpuMemoryText.ts';
import { renderPlanText } from './planText.ts';

const TEXT_RENDERERS: Record<ResultView, (result: never) => string> = {
  'gpu-memory': (r: GpuMemoryResult) => renderGpuMemoryText(r),
  plan: (r: PlanResult) => renderPlanText(r),
};

const CLI_PRICE_TIMEOUT_MS = 15_000;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

const processIo: CliIo = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  env: process.env,
};

function overview(): string {
  return [
    'usage: burnrate <command> <text...> [--json]',
    '',
    ...COMMANDS.flatMap((c) => [
      `  ${c.name.padEnd(12)} ${c.description}`,
      ...c.examples.slice(0, 2).map((e) => `  ${''.padEnd(12)} e.g. burnrate ${c.name} ${e}`),
    ]),
    '',
    `  ${'digest'.padEnd(12)} the weekly cost digest, printed: burnrate digest --dry-run [--week 2026-W47]`,
    `  ${'scan'.padEnd(12)} idle GPUs and endpoints, printed: burnrate scan --dry-run`,
    `  ${'rightsize'.padEnd(12)} endpoints on bigger GPUs than their model and load need: burnrate rightsize --dry-run`,
    `  ${'audit'.padEnd(12)} who stopped, snoozed or kept what: burnrate audit [--since 7d] [--json]`,
    '',
    "`burnrate <command> help` shows a command's grammar and examples.",
  ].join('\n');
}

function commandHelp(name: string): string {
  const c = findCommand(name)!;
  return [
    `${c.name}: ${c.description}`,
    '',
    `usage: burnrate ${c.name} ${c.usage} [--json]`,
    '',
    'examples:',
    ...c.examples.map((e) => `  burnrate ${c.name} ${e}`),
  ].join('\n');
}

/** Returns the exit code: 0 answered, 2 bad input, 1 internal failure. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const json = argv.includes('--json');
  const args = argv.filter((a) => a !== '--json');
  const [name, ...words] = args;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(overview());
    return 0;
  }
  if (name === 'digest' || name === 'scan' || name === 'rightsize' || name === 'audit') {
    try {
      // the reports bring the cloud sources and the state store; a calculator's answer never loads them
      const reports = await import('./reportCli.ts');
      const run = { digest: reports.digestCli, scan: reports.scanCli, rightsize: reports.rightsizeCli, audit: reports.auditCli }[name];
      return await run(words, json, io);
    } catch (error) {
      return somethingWentWrong(io, name, error);
    }
  }
  const command = findCommand(name);
  if (!command) {
    io.err(`burnrate: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  const text = words.join(' ');
  if (!text.trim() || text.trim() === 'help') {
    (text.trim() ? io.out : io.err)(commandHelp(command.name));
    return text.trim() ? 0 : 2;
  }
  let livePrices: LivePrices;
  try {
    const settings = livePriceSettingsFromEnv(io.env);
    // a terminal can wait longer than Slack's three seconds for a live price
    livePrices = new LivePrices(io.env.BURNRATE_PRICE_TIMEOUT_MS ? settings : { ...settings, timeoutMs: CLI_PRICE_TIMEOUT_MS });
  } catch (error) {
    if (!(error instanceof LivePriceError)) throw error;
    io.err(`burnrate: ${error.message}`);
    return 2;
  }
  try {
    const result = await command.run(text, {
      catalogs: bundledCatalogs(),
      hub: new HuggingFaceHub(hubSettingsFromEnv(io.env)),
      livePrices,
    });
    io.out(json ? JSON.stringify(result, null, 2) : TEXT_RENDERERS[command.view](result as never));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      const lines = [`burnrate ${command.name}: ${error.message}`];
      if (error.detail.understood?.length) lines.push(`  understood: ${error.detail.understood.join(' ')}`);
      if (error.unmentioned.length) lines.push(`  not understood: ${error.unmentioned.join(' ')}`);
      lines.push(`  usage: burnrate ${command.name} ${command.usage}`, `  e.g.   burnrate ${command.name} ${command.examples[0]}`);
      io.err(lines.join('\n'));
      return 2;
    }
    return somethingWentWrong(io, command.name, error);
  } finally {
    await livePrices.close();
  }
}

/** An internal failure: one line with a reference, then the log line that carries it; never a stack trace. */
function somethingWentWrong(io: CliIo, command: string, error: unknown): number {
  const ref = randomBytes(3).toString('hex').toUpperCase();
  io.err(`burnrate ${command}: something went wrong (ref ${ref})`);
  io.err(
    JSON.stringify({ level: 'error', ref, command, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
  return 1;
}
