// The CLI a user installs: every command the README shows, the reports and the audit log, run from
// bin/ on the bundles `npm ci` builds, in an environment with no cloud credentials.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../src/state/sqliteStateStore.ts';
import { cleanEnv, expectNoStackTrace, shippedCli } from './support/shippedBin.ts';

const README = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

/**
 * Every `npx burnrate …` command the README shows, in shell blocks or inline code, as the words a
 * shell would pass; a command with optional parts ("[--json]") is run without them and with all.
 */
function readmeCommands(): string[][] {
  const shown = [
    ...[...README.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).map((line) => line.replace(/\s+#.*$/, '').trim()),
    ...[...README.matchAll(/`(npx burnrate [^`]+)`/g)].map((m) => m[1]!),
  ].filter((line) => line.startsWith('npx burnrate '));
  const words = (line: string) => line.slice('npx burnrate '.length).split(/\s+/).filter(Boolean);
  return [
    ...new Set(shown.flatMap((line) => (line.includes('[') ? [line.replace(/\s*\[[^\]]*\]/g, ''), line.replace(/[[\]]/g, '')] : [line]))),
  ].map(words);
}

const stateFile = () => join(mkdtempSync(join(tmpdir(), 'burnrate-cli-')), 'state.sqlite');

describe("the README's commands, from the installed bundle", () => {
  const commands = readmeCommands();

  it("finds the README's examples", () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    expect(commands.map((c) => c[0])).toEqual(expect.arrayContaining(['gpu-memory', 'train-cost', 'serve-cost', 'help']));
  });

  it.each(commands.map((words) => [words.join(' '), words]))('burnrate %s exits 0 with an answer and no stack trace', async (_, words) => {
    const run = await shippedCli(words as string[], cleanEnv({ BURNRATE_STATE_FILE: stateFile() }));
    expect(run.stderr, run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).not.toBe('');
    expectNoStackTrace(run);
  });
});

describe('reports and the audit log, from the installed bundle on the demo account', () => {
  it.each([['scan'], ['digest']])('%s --dry-run prints the report, and --json its figures', async (report) => {
    const env = cleanEnv({ BURNRATE_STATE_FILE: stateFile() });
    const text = await shippedCli([report, '--dry-run'], env);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^\[demo data\] /);
    expectNoStackTrace(text);
    const json = await shippedCli([report, '--dry-run', '--json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ command: report, summary: expect.stringMatching(/^\[demo data\] /) });
  });

  it('audit says nothing was recorded where no state file exists yet, and prints [] as JSON', async () => {
    const env = cleanEnv({ BURNRATE_STATE_FILE: stateFile() });
    expect(await shippedCli(['audit'], env)).toMatchObject({ code: 0, stdout: 'Nothing recorded in the last 7d.\n', stderr: '' });
    expect(await shippedCli(['audit', '--json'], env)).toMatchObject({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('audit prints what the state file recorded, newest first, as text and as JSON', async () => {
    const path = stateFile();
    const store = new SqliteStateStore(path);
    const now = Date.now();
    await store.appendAudit({
      at: now - 60_000,
      actor: 'U0APPROVER1',
      event: 'decision',
      resource: 'ec2-gpu-instance:us-east-1:i-0abc',
      outcome: 'approved: stopping',
    });
    await store.appendAudit({
      at: now - 30_000,
      actor: 'U0APPROVER1',
      event: 'stopped',
      resource: 'ec2-gpu-instance:us-east-1:i-0abc',
      outcome: 'stopped; saves ~$737/month',
    });
    await store.close();
    const env = cleanEnv({ BURNRATE_STATE_FILE: path });
    const text = await shippedCli(['audit', '--since', '1d'], env);
    expect(text.code).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(2);
    expect(text.stdout.split('\n')[0]).toMatch(/stopped; saves ~\$737\/month/);
    const json = await shippedCli(['audit', '--json'], env);
    expect(JSON.parse(json.stdout).map((e: { event: string }) => e.event)).toEqual(['stopped', 'decision']);
  });

  it('an internal failure is one line with a reference, exit 1, and no stack trace', async () => {
    // a state file that cannot be opened: the directory itself
    const run = await shippedCli(['audit'], cleanEnv({ BURNRATE_STATE_FILE: tmpdir() }));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toMatch(/^burnrate audit: something went wrong \(ref [0-9A-F]{6}\)$/);
    expect(JSON.parse(run.stderr.split('\n')[1]!)).toMatchObject({ level: 'error', command: 'audit' });
    expectNoStackTrace(run);
  });

  it('rightsize --dry-run prints what to resize, and --json the recommendations with their evidence', async () => {
    const env = cleanEnv({ BURNRATE_STATE_FILE: stateFile() });
    const text = await shippedCli(['rightsize', '--dry-run'], env);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('[demo data] Rightsizing: $4,148 a month to save on 1 resource');
    const json = await shippedCli(['rightsize', '--dry-run', '--json'], env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.recommendations).toEqual([
      expect.objectContaining({
        id: 'support-chat-llm/AllTraffic',
        kind: 'sagemaker-endpoint',
        current: { instanceType: 'ml.g5.12xlarge', count: 1, monthlyCost: expect.closeTo(5175.7, 1) },
        recommended: { instanceType: 'ml.g5.xlarge', count: 1, monthlyCost: expect.closeTo(1027.84, 1) },
        model: expect.objectContaining({ id: 'llama-3.1-8b', precision: 'bf16', contextTokens: 4096 }),
        confidence: 'high',
      }),
    ]);
    // every machine and variant is there with its reason; the ranker's container names no model
    expect(report.notRecommended).toContainEqual({
      id: 'contract-summarizer-70b/AllTraffic',
      reason: '1 × ml.p4d.24xlarge is already the cheapest size that holds the model and its peak load',
    });
    expect(report.notRecommended).toContainEqual(expect.objectContaining({ id: 'recsys-ranker/blue', unsized: true }));
    expect(text.stdout).toMatch(/6 endpoint variants or machines could not be sized/);
    const missing = await shippedCli(['rightsize'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/the CLI prints the rightsize with --dry-run[\s\S]*usage: burnrate rightsize --dry-run \[--json\]/);
    expectNoStackTrace(missing);
  });

  it('bad flags and settings exit 2 with what to type, before anything is read', async () => {
    const env = cleanEnv({ BURNRATE_STATE_FILE: stateFile() });
    const flag = await shippedCli(['audit', '--since', 'forever'], env);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--since "forever" is not .*\n  usage: burnrate audit/);
    const settings = await shippedCli(['scan', '--dry-run'], { ...env, BURNRATE_AWS_TIMEOUT_MS: 'soon' });
    expect(settings.code).toBe(2);
    expect(settings.stderr).toMatch(
      /BURNRATE_AWS_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000, e\.g\. 30000; got "soon"/,
    );
    expectNoStackTrace(settings);
  });
});

describe('/gpu-memory numbers no GPU cluster could hold, from the installed bundle', () => {
  const gpuMemory = (...words: string[]) => shippedCli(['gpu-memory', ...words], cleanEnv());

  it.each([
    [['70b', 'fp16', 'batch=1e308', 'ctx=1e308'], /batch=1e308: batch is too large to count exactly \(at most 2\^53\), got 1e308/],
    [['70b', 'fp16', 'batch=1e999'], /batch=1e999: "1e999" is too large to be a number/],
    [
      ['70b', 'fp16', 'ctx=1e12'],
      /batch 1 × 1,000,000,000,000 tokens needs ≈ \d[\d,]* PB, more than any GPU cluster holds \(200,000 × .+\); lower batch= or ctx=/,
    ],
    [['70b', 'train', 'batch=4096', 'seq=1m'], /needs ≈ \d[\d,]* PB, more than any GPU cluster holds .*; lower batch= or seq=/],
  ])('%j exits 2 with what was wrong and what to type', async (words, message) => {
    const run = await gpuMemory(...words);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/usage: burnrate gpu-memory/);
    expectNoStackTrace(run);
  });

  it("a context past the model's own is answered, with the warning right under the answer", async () => {
    const run = await gpuMemory('llama-3.1-8b', 'ctx=1m');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[1]).toBe(
      "⚠ 1,048,576 tokens is beyond llama-3.1-8b's own 131,072-token context: the model was not trained for it, and the memory is what that length would take",
    );
    const json = JSON.parse((await gpuMemory('llama-3.1-8b', 'ctx=1m', '--json')).stdout);
    expect(Number.isFinite(json.totalBytes)).toBe(true);
    expect(json.warnings).toHaveLength(1);
  });

  it('an over-long word is echoed once, cut', async () => {
    const blob = 'x'.repeat(3000);
    const run = await gpuMemory('70b', 'fp16', blob);
    expect(run.code).toBe(2);
    expect(run.stderr.match(/x{60}…/g)).toHaveLength(1);
    expect(run.stderr).not.toMatch(/x{61}/);
    expect(run.stderr.length).toBeLessThan(600);
  });
});
