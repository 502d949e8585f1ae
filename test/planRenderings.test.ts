// Every calculator's examples, through all three renderings: terminal text, Block Kit within
// Slack's limits, and --json from a real CLI process with every figure and its unit.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../commands/index.ts';
import type { PlanResult } from '../commands/planResult.ts';
import { renderPlanText } from '../src/runtime/planText.ts';
import { MAX_BLOCKS, MAX_FIELDS, MAX_SECTION_TEXT, splitMessage } from '../src/slack/blockLimits.ts';
import { planBlocks } from '../src/slack/planBlocks.ts';
import { offlineContext } from './support/context.ts';

const BIN = fileURLToPath(new URL('../bin/burnrate.js', import.meta.url));
const PLAN_COMMANDS = COMMANDS.filter((c) => c.view === 'plan');

describe.each(PLAN_COMMANDS.map((c) => [c.name, c] as const))('/%s', (_name, command) => {
  it.each(command.examples)('example "%s" renders the same answer as text and within Slack limits', async (example) => {
    const result = (await command.run(example, offlineContext())) as PlanResult;
    expect(result.command).toBe(command.name);
    const text = renderPlanText(result);
    expect(text.split('\n')[0]).toBe(result.summary);
    for (const [label] of result.rows) expect(text).toContain(label);
    const message = planBlocks(result);
    expect(message.text).toBe(result.summary);
    for (const part of splitMessage(message)) {
      expect(part.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
      for (const block of part.blocks) {
        if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
        if (block.type === 'section' && block.fields) {
          expect(block.fields.length).toBeLessThanOrEqual(MAX_FIELDS);
          for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(2000);
        }
      }
    }
    for (const figure of Object.values(result.figures)) {
      expect(Number.isFinite(figure.value)).toBe(true);
      expect(figure.unit).not.toBe('');
    }
  });
});

describe('the CLI runs every calculator', () => {
  it('train-cost --json prints every figure with its unit, exit 0', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      BIN,
      'train-cost',
      'gpus=64',
      'gpu=a100',
      'days=3',
      'price=3',
      '--json',
    ]);
    const result = JSON.parse(stdout) as PlanResult;
    expect(result.figures.onDemand).toEqual({ value: 13_824, unit: 'USD' });
    expect(result.figures.hours).toEqual({ value: 72, unit: 'h' });
  });

  it('bad input exits 2 with what was understood', async () => {
    const failed = await promisify(execFile)(process.execPath, [BIN, 'serve-cost', 'instance=g5.xlarge', 'util=lots']).then(
      () => undefined,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/util=lots: "lots" is not a number/);
    expect(failed?.stderr).toMatch(/understood: instance=g5\.xlarge/);
  });
});
