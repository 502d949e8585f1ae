// The CLI as a user runs it: a real process from bin/, right after npm ci.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeGpuMemory } from '../commands/gpuMemory.ts';
import { renderGpuMemoryText } from '../src/runtime/gpuMemoryText.ts';
import { MAX_BLOCKS, MAX_SECTION_TEXT } from '../src/slack/blockLimits.ts';
import { gpuMemoryBlocks } from '../src/slack/gpuMemoryBlocks.ts';
import { offlineContext } from './support/context.ts';
import { runNode } from './support/runNode.ts';

const BIN = fileURLToPath(new URL('../bin/burnrate.js', import.meta.url));

const burnrate = (...args: string[]) => runNode(BIN, args, { ...process.env, HF_ENDPOINT: 'http://127.0.0.1:9' });

describe('burnrate CLI', () => {
  it('answers in text with the one-line answer first', async () => {
    const { code, stdout } = await burnrate('gpu-memory', '70b', 'fp16');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^≈ \d+ GB · fits .* · from \$\d+\.\d\d\/h/);
    expect(stdout).toMatch(/Assumptions:/);
  });

  it('answers --json with the documented fields', async () => {
    const { code, stdout } = await burnrate('gpu-memory', 'llama-3.1-8b', 'lora', 'r=16', 'batch=4', 'seq=2048', 'ckpt', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    for (const key of ['totalBytes', 'perGpuBytes', 'gpus', 'breakdown', 'assumptions', 'fits']) expect(result).toHaveProperty(key);
    expect(Object.keys(result.breakdown).sort()).toEqual([
      'activations',
      'buffers',
      'gradients',
      'kvCache',
      'logits',
      'optimizer',
      'overhead',
      'weights',
    ]);
    const sum = Object.values(result.breakdown as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(result.totalBytes).toBeCloseTo(sum * result.gpus, 0);
  });

  it('exits 2 with the message on stderr, what it understood, and no stack trace', async () => {
    const { code, stdout, stderr } = await burnrate('gpu-memory', 'llama-3.1-70b', 'fp16', 'batch=two');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/batch=two: "two" is not a number/);
    expect(stderr).toMatch(/understood: llama-3.1-70b fp16/);
    expect(stderr).toMatch(/usage: burnrate gpu-memory <model>/);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('exits 2 for an unknown command and lists the commands', async () => {
    const { code, stderr } = await burnrate('gpu-memroy', '70b');
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command "gpu-memroy"[\s\S]*gpu-memory/);
  });

  it("shows a command's help", async () => {
    const { code, stdout } = await burnrate('gpu-memory', 'help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/examples:[\s\S]*burnrate gpu-memory deepseek-v3 fp8 gpus=8/);
  });
});

describe('the three renderings', () => {
  it('agree with one another, from the same result', async () => {
    const result = await computeGpuMemory('llama-3.1-70b fp8 batch=32 ctx=8k engine=vllm gpu=h100', offlineContext());
    const text = renderGpuMemoryText(result);
    const slack = gpuMemoryBlocks(result);
    expect(text.split('\n')[0]).toBe(result.summary);
    expect(slack.text).toBe(result.summary);
    const slackText = JSON.stringify(slack.blocks);
    for (const row of result.fits.filter((f) => f.count !== null)) expect(slackText).toContain(row.gpuName);
    expect(text).toContain('KV tokens');
  });

  it("stays inside Slack's block limits", async () => {
    const result = await computeGpuMemory('deepseek-v3 fp8 gpus=8', offlineContext());
    const { blocks } = gpuMemoryBlocks(result);
    expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    for (const block of blocks) {
      if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    }
  });
});
