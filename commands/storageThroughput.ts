// /storage-throughput: can storage keep the GPUs fed? Sustained read from samples or tokens per
// GPU, prefetch headroom, checkpoint write bandwidth, IOPS, and which storage tiers meet it.
import { DEFAULT_MFU, tokensTrained } from '../src/calc/training.ts';
import { findGpu } from '../src/catalogs/hardware.ts';
import type { StorageTier } from '../src/catalogs/storage.ts';
import { bandwidth, count, duration, bytes as formatBytes, percent } from '../src/present/format.ts';
import { gpuFamilyArg } from './catalogArgs.ts';
import type { Command, CommandContext } from './command.ts';
import { type ResolvedModel, resolveModel } from './modelResolver.ts';
import { PlanArgs, type PlanGrammar } from './planGrammar.ts';
import type { Figure, PlanResult } from './planResult.ts';

const GRAMMAR: PlanGrammar = {
  words: true,
  keys: {
    gpus: 'gpus',
    samples: 'samples',
    sample: 'sample',
    sample_size: 'sample',
    tokens: 'tokens',
    bytes_per_token: 'bytes_per_token',
    gpu: 'gpu',
    mfu: 'mfu',
    headroom: 'headroom',
    ckpt_every: 'ckpt_every',
    ckpt_time: 'ckpt_time',
    ckpt_size: 'ckpt_size',
    gpus_per_node: 'gpus_per_node',
  },
};

/** bf16 weights + fp32 master weights + AdamW's two fp32 moments, as Megatron and DeepSpeed save them */
const CHECKPOINT_BYTES_PER_PARAM = 2 + 4 + 8;
const DEFAULTS = { headroom: 1.5, bytesPerToken: 4, checkpointSeconds: 60, gpusPerNode: 8 };
/** reads larger than this are split into several requests */
const IO_SIZE = 2 ** 20;

interface Need {
  readBytesPerSecond: number;
  writeBytesPerSecond: number;
  iops: number;
  nodes: number;
}

function tierRow(tier: StorageTier, need: Need): [string, string, string] {
  const peak = Math.max(need.readBytesPerSecond, need.writeBytesPerSecond);
  switch (tier.scaling) {
    case 'per_node': {
      const perNode = need.readBytesPerSecond / need.nodes;
      return [
        tier.name,
        perNode <= tier.gbs * 1e9 ? 'reads: yes' : 'no',
        `${bandwidth(perNode)} per node of ${tier.gbs} GB/s (data staged to every node; not for checkpoints, which need shared storage)`,
      ];
    }
    case 'per_tib': {
      const tib = Math.max(tier.min_tib, peak / 1e6 / tier.mbs_per_tib);
      return [tier.name, 'yes', `≥ ${tib.toFixed(1)} TiB provisioned (${tier.mbs_per_tib} MB/s per TiB)`];
    }
    case 'fixed':
      return [
        tier.name,
        peak <= tier.max_gbs * 1e9 ? 'yes' : 'no',
        `up to ${tier.max_gbs} GB/s per instance${peak > tier.max_gbs * 1e9 ? `; needs ${Math.ceil(peak / (tier.max_gbs * 1e9))} instances, data sharded` : ''}`,
      ];
    case 'per_stream': {
      const streams = Math.ceil(peak / (tier.mbs_per_stream * 1e6));
      const prefixes = Math.ceil(need.iops / tier.requests_per_prefix);
      return [
        tier.name,
        'yes',
        `≈ ${count(streams)} parallel streams at ${tier.mbs_per_stream} MB/s; ${count(need.iops)} GET/s over ≥ ${prefixes} prefix${prefixes > 1 ? 'es' : ''}`,
      ];
    }
  }
}

export async function computeStorageThroughput(text: string, context: CommandContext): Promise<PlanResult> {
  const { catalogs } = context;
  const args: PlanArgs = PlanArgs.parse(text, GRAMMAR);
  const gpus = args.integer('gpus');
  if (gpus === undefined) args.fail('give gpus=, e.g. `gpus=100 samples=1000/s sample=500KB` or `70b gpus=512`');
  const model: ResolvedModel | undefined = args.words.length ? await resolveModel(args.words.join(' '), context) : undefined;
  const samplesPerSecond = args.rate('samples', 's');
  const sampleBytes = args.measure('sample', 'bytes', 'B');
  const tokensPerSecond = args.rate('tokens', 's');
  const bytesPerToken = args.number('bytes_per_token') ?? DEFAULTS.bytesPerToken;
  const headroom = args.number('headroom') ?? DEFAULTS.headroom;
  if (headroom < 1) args.fail(`${args.token('headroom')}: headroom is a factor of at least 1 (1.5 = 50% spare)`);
  const gpusPerNode = args.integer('gpus_per_node') ?? Math.min(gpus, DEFAULTS.gpusPerNode);
  if ((samplesPerSecond === undefined) !== (sampleBytes === undefined)) {
    args.fail(`give samples= (per GPU per second) and sample= (bytes each) together, e.g. samples=1000/s sample=500KB`);
  }
  if (samplesPerSecond !== undefined && tokensPerSecond !== undefined)
    args.fail(`${args.token('samples')} and ${args.token('tokens')}: give one way of reading`);

  const assumptions: string[] = [];
  const method: string[] = [];
  let perGpuRead: number;
  let iops: number;
  if (samplesPerSecond !== undefined) {
    perGpuRead = samplesPerSecond * sampleBytes!;
    iops = gpus * samplesPerSecond * Math.max(1, Math.ceil(sampleBytes! / IO_SIZE));
    method.push(`read = GPUs × samples/s × sample size = ${gpus} × ${count(samplesPerSecond)}/s × ${formatBytes(sampleBytes!)}`);
  } else {
    let tokenRate = tokensPerSecond;
    if (tokenRate === undefined) {
      if (!model) args.fail('give samples= and sample=, or tokens= per GPU per second, or a model to derive its training tokens/s');
      const gpu = gpuFamilyArg(args, catalogs)?.[0] ?? findGpu(catalogs.gpus, 'h100')!;
      const mfu = args.fraction('mfu') ?? DEFAULT_MFU;
      tokenRate = tokensTrained(1, 1, gpu.bf16Flops, mfu, model.activeParams, false);
      method.push(
        `tokens/s per GPU = peak × MFU ÷ (6 × N) = ${gpu.bf16Flops / 1e12} TFLOP/s × ${percent(mfu)} ÷ (6 × ${count(model.activeParams)}) = ${count(tokenRate)}`,
      );
      if (!args.has('gpu')) assumptions.push('H100 SXM assumed for the training rate; set gpu=');
    }
    perGpuRead = tokenRate * bytesPerToken;
    iops = Math.ceil((gpus * perGpuRead) / IO_SIZE);
    if (!args.has('bytes_per_token'))
      assumptions.push(
        `${DEFAULTS.bytesPerToken} bytes per token (uint32 token ids; 2 for vocabularies under 65,536); set bytes_per_token=`,
      );
    method.push(`read = GPUs × tokens/s × bytes per token; requests at ${formatBytes(IO_SIZE)} each`);
  }
  const read = perGpuRead * gpus;
  const provisioned = read * headroom;
  const figures: Record<string, Figure> = {
    readBytesPerSecond: { value: read, unit: 'B/s' },
    provisionedReadBytesPerSecond: { value: provisioned, unit: 'B/s' },
    perGpuReadBytesPerSecond: { value: perGpuRead, unit: 'B/s' },
    iops: { value: iops, unit: 'ops/s' },
  };
  const rows: [string, string][] = [
    ['Sustained read', `${bandwidth(read)} (${bandwidth(perGpuRead)} per GPU × ${gpus})`],
    ['Provision for', `${bandwidth(provisioned)} (${headroom}× for prefetch and stragglers)`],
    ['Requests', `${count(iops)} reads/s`],
  ];
  method.push(`provisioned = read × ${headroom} headroom`);

  const checkpointBytes = args.measure('ckpt_size', 'bytes', 'GB') ?? (model ? model.params * CHECKPOINT_BYTES_PER_PARAM : undefined);
  let write = 0;
  if (checkpointBytes !== undefined) {
    const seconds = args.measure('ckpt_time', 'time', 's') ?? DEFAULTS.checkpointSeconds;
    write = checkpointBytes / seconds;
    figures.checkpointBytes = { value: checkpointBytes, unit: 'B' };
    figures.checkpointWriteBytesPerSecond = { value: write, unit: 'B/s' };
    rows.push(['Checkpoint', `${formatBytes(checkpointBytes)} written in ${duration(seconds)} → ${bandwidth(write)} write`]);
    if (!args.has('ckpt_size'))
      method.push(
        `checkpoint = ${count(model!.params)} params × ${CHECKPOINT_BYTES_PER_PARAM} B (bf16 weights, fp32 master, two fp32 Adam moments)`,
      );
    if (!args.has('ckpt_time')) assumptions.push(`a checkpoint must land within ${DEFAULTS.checkpointSeconds} s; set ckpt_time=`);
    const every = args.measure('ckpt_every', 'time', 'minute');
    if (every !== undefined) {
      figures.checkpointShare = { value: (seconds / every) * 100, unit: '%' };
      rows.push([
        'Checkpoint cost',
        `${percent(seconds / every, 1)} of training time if writes block; ${bandwidth(checkpointBytes / every)} averaged`,
      ]);
    }
  } else if (args.has('ckpt_every') || args.has('ckpt_time')) {
    args.fail('checkpoint figures need a model or ckpt_size=, e.g. `ckpt_size=1TB ckpt_time=60s`');
  }

  const need: Need = { readBytesPerSecond: provisioned, writeBytesPerSecond: write, iops, nodes: Math.ceil(gpus / gpusPerNode) };
  if (model?.assumedArchitecture) assumptions.push(model.assumedArchitecture);
  const summary = `${bandwidth(read)} sustained read for ${gpus} GPUs (provision ${bandwidth(provisioned)})${write ? ` · checkpoints need ${bandwidth(write)} write` : ''}`;
  return {
    command: 'storage-throughput',
    input: text,
    summary,
    figures,
    rows,
    tables: [
      { title: 'Storage tiers', header: ['Tier', 'Meets it', 'What it takes'], rows: catalogs.storage.map((t) => tierRow(t, need)) },
    ],
    assumptions,
    method,
  };
}

export const storageThroughputCommand: Command<PlanResult> = {
  name: 'storage-throughput',
  view: 'plan',
  description: 'Can storage keep the GPUs fed: read and checkpoint bandwidth, IOPS, and which tiers meet them',
  usage:
    '[model] gpus= [samples=1000/s sample=500KB | tokens=3000/s bytes_per_token=4] [headroom=1.5] [ckpt_every=30m ckpt_time=60s ckpt_size=] [gpu= mfu=]',
  usageHint: 'gpus=100 samples=1000/s sample=500KB | 70b gpus=512 ckpt_every=30m',
  examples: ['gpus=100 samples=1000/s sample=500KB', '70b gpus=512 ckpt_every=30m ckpt_time=60s', 'gpus=64 tokens=4000/s'],
  run: computeStorageThroughput,
};
