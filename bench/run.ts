// npm run bench: median time to compute each command's answer, the CLI's start-to-answer time,
// signed Slack requests over loopback, the bot's start time, and drawing the digest's chart as a PNG.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleIsFresh } from '../bin/entry.js';
import { computeGpuMemory } from '../commands/gpuMemory.ts';
import { COMMANDS } from '../commands/index.ts';
import { digestAsPlan } from '../reports/weeklyDigest/digestPresentation.ts';
import { weeklyDigest } from '../reports/weeklyDigest/weeklyDigest.ts';
import { lastFullWeek } from '../src/calc/period.ts';
import { replayTrainingPool } from '../src/calc/trainingPool.ts';
import { bundledCatalogs } from '../src/catalogs/catalogs.ts';
import { findPreset } from '../src/catalogs/models.ts';
import { demoAccount } from '../src/clouds/demo/demoAccount.ts';
import { HubError } from '../src/hub/hubModel.ts';
import type { Block } from '../src/slack/blockLimits.ts';
import { chartPng } from '../src/slack/chartImage.ts';
import { planBlocks } from '../src/slack/planBlocks.ts';
import { benchServerStart, benchSlack } from './slackRequests.ts';

const INPUTS = [
  '70b fp16',
  'llama-3.1-70b fp8 batch=32 ctx=8k engine=vllm gpu=h100',
  'qwen2.5-0.5b train mixed batch=8 seq=2048 ckpt',
  'qwen2.5-1.5b train mixed batch=2 seq=1024',
  'llama-3.1-8b lora r=16 batch=4 seq=2048 ckpt',
  'mixtral-8x7b q4_k_m',
  'deepseek-v3 fp8 gpus=8',
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const context = {
    catalogs: bundledCatalogs(),
    hub: {
      fetchModel: async () => {
        throw new HubError('offline');
      },
    },
  };
  for (const text of INPUTS) await computeGpuMemory(text, context); // warm up
  const rounds = 200;
  console.log('gpu-memory compute (median of', rounds, 'runs each; target < 5 ms)');
  for (const text of INPUTS) {
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const start = performance.now();
      await computeGpuMemory(text, context);
      times.push(performance.now() - start);
    }
    console.log(`  ${median(times).toFixed(3).padStart(7)} ms  ${text}`);
  }

  // a training answer replays the allocator once per step shape; the answer above reuses that replay
  console.log('training allocator replay, a first answer (median of 20 runs each)');
  for (const name of ['llama-3.1-8b', 'llama-3.1-405b', 'deepseek-v3']) {
    const arch = findPreset(context.catalogs.models, name)!.arch;
    const trace = {
      arch,
      tokens: 8192,
      autocast: true,
      elementBytes: 4,
      activationBytes: 2,
      stateBytes: [4, 4],
      stepTransientBytes: 4,
      tensorParallel: 1,
      layers: arch.layers,
      checkpointing: false,
    };
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      replayTrainingPool(trace);
      times.push(performance.now() - start);
    }
    console.log(`  ${median(times).toFixed(3).padStart(7)} ms  ${name} train mixed, 8192 tokens a step`);
  }

  console.log('planning calculators, each example (median of', rounds, 'runs each; target < 5 ms)');
  for (const command of COMMANDS.filter((c) => c.view === 'plan')) {
    for (const example of command.examples) {
      await command.run(example, context);
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const start = performance.now();
        await command.run(example, context);
        times.push(performance.now() - start);
      }
      console.log(`  ${median(times).toFixed(3).padStart(7)} ms  ${command.name} ${example}`);
    }
  }

  const bin = fileURLToPath(new URL('../bin/burnrate.js', import.meta.url));
  const runs = 7;
  const starts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    execFileSync(process.execPath, [bin, 'gpu-memory', '70b', 'fp16'], { stdio: 'ignore' });
    starts.push(performance.now() - start);
  }
  console.log(
    bundleIsFresh('burnrate-cli.mjs')
      ? 'CLI runs the bundle that npm ci built (dist/)'
      : 'CLI runs through tsx: dist/ bundle missing or older than the sources (npm run prepare rebuilds it)',
  );
  console.log(
    `CLI start-to-answer, node bin/burnrate.js gpu-memory 70b fp16 (median of ${runs}; target < 1000 ms): ${median(starts).toFixed(0)} ms`,
  );
  console.log(`  all runs: ${starts.map((t) => t.toFixed(0)).join(', ')} ms`);

  await benchSlack(context);
  await benchServerStart();
  await benchChartImage();
}

/** The PNG a workspace without Slack's native chart gets: the first drawing loads the renderer. */
async function benchChartImage() {
  const now = new Date('2026-11-23T08:00:00Z');
  const blocks = planBlocks(digestAsPlan(await weeklyDigest(demoAccount, lastFullWeek(now, 'UTC'), 'team', now))).blocks;
  const chart = blocks.find((b): b is Extract<Block, { type: 'data_visualization' }> => b.type === 'data_visualization');
  if (!chart) throw new Error('the digest has no chart');
  let start = performance.now();
  const png = await chartPng(chart.title, chart.chart);
  const first = performance.now() - start;
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    start = performance.now();
    await chartPng(chart.title, chart.chart);
    times.push(performance.now() - start);
  }
  console.log(
    `digest chart as PNG (${Math.round(png.length / 1024)} KB): first ${first.toFixed(0)} ms (loads resvg and the font), then median of 7 ${median(times).toFixed(0)} ms`,
  );
}

void main();
