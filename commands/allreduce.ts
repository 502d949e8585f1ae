// /allreduce: how long a gradient all-reduce takes on a cluster's links, flat ring vs hierarchical,
// what ZeRO-3 moves instead, and the bandwidth needed to hide it inside a training step.
import {
  algorithmBandwidth,
  hierarchicalAllReduceSeconds,
  ringAllReduceFactor,
  ringAllReduceSeconds,
  zero3Seconds,
} from '../src/calc/collectives.ts';
import type { Link } from '../src/catalogs/links.ts';
import { bandwidth, count, duration, bytes as formatBytes, percent } from '../src/present/format.ts';
import type { Command, CommandContext } from './command.ts';
import { resolveModel } from './modelResolver.ts';
import { PlanArgs, type PlanGrammar } from './planGrammar.ts';
import type { Figure, PlanResult } from './planResult.ts';

const GRAMMAR: PlanGrammar = {
  words: true,
  keys: {
    grad: 'grad',
    gradients: 'grad',
    gpus: 'gpus',
    nodes: 'nodes',
    gpus_per_node: 'gpus_per_node',
    link: 'link',
    intra: 'intra',
    nics: 'nics',
    step: 'step',
    overlap: 'overlap',
    eff: 'eff',
    efficiency: 'eff',
  },
  flags: { fp32: 'fp32', bf16: 'bf16', fp16: 'fp16', fp8: 'fp8' },
};

const GRAD_BYTES: Record<string, number> = { fp32: 4, bf16: 2, fp16: 2, fp8: 1 };
const DEFAULT_GPUS = 8;
const DEFAULT_GPUS_PER_NODE = 8;

function findLink(links: Link[], name: string, args: PlanArgs, key: string): Link | number {
  const wanted = name.toLowerCase();
  const link = links.find((l) => l.id === wanted);
  if (link) return link;
  try {
    // a bandwidth typed directly: link=400Gbps, link=50GB/s
    return args.measure(key, 'bandwidth', 'Gb/s')!;
  } catch {
    args.fail(`${key}=${name} is not a known link or a bandwidth; links: ${links.map((l) => l.id).join(', ')}; or a rate like 400Gbps`);
  }
}

/** bytes/s one GPU's share of the link gives it (for `gpu` links) or the node's total (network links). */
function linkRates(link: Link | number, gpusPerNode: number, nics: number | undefined): { perGpu: number; perNode: number; label: string } {
  if (typeof link === 'number')
    return { perGpu: link, perNode: link * (nics ?? gpusPerNode), label: `${bandwidth(link)} per ${nics === undefined ? 'GPU' : 'port'}` };
  if (link.per === 'gpu') return { perGpu: link.bytesPerSecond, perNode: link.bytesPerSecond * gpusPerNode, label: link.name };
  if (link.per === 'port') {
    const ports = nics ?? gpusPerNode;
    return {
      perGpu: (link.bytesPerSecond * ports) / gpusPerNode,
      perNode: link.bytesPerSecond * ports,
      label: `${ports} × ${link.name} per node`,
    };
  }
  return { perGpu: link.bytesPerSecond / gpusPerNode, perNode: link.bytesPerSecond, label: `${link.name} per node` };
}

export async function computeAllreduce(text: string, context: CommandContext): Promise<PlanResult> {
  const { catalogs } = context;
  const args: PlanArgs = PlanArgs.parse(text, GRAMMAR);
  const precisions = Object.keys(GRAD_BYTES).filter((p) => args.flag(p));
  if (precisions.length > 1) args.fail(`${precisions.join(' and ')}: choose one gradient precision`);
  const precision = precisions[0] ?? 'bf16';
  const model = args.words.length ? await resolveModel(args.words.join(' '), context) : undefined;
  const given = args.measure('grad', 'bytes', 'GB');
  if (model && given !== undefined) args.fail(`a model and ${args.token('grad')}: give one`);
  if (!model && given === undefined) args.fail('name a model (e.g. `70b`) or give the gradient size (e.g. `grad=14GB`)');
  const gradientBytes = given ?? model!.params * GRAD_BYTES[precision]!;

  const nodesGiven = args.integer('nodes');
  const gpusGiven = args.integer('gpus');
  let gpusPerNode =
    args.integer('gpus_per_node') ??
    (nodesGiven && gpusGiven ? gpusGiven / nodesGiven : Math.min(gpusGiven ?? DEFAULT_GPUS, DEFAULT_GPUS_PER_NODE));
  if (!Number.isInteger(gpusPerNode)) args.fail(`${args.token('gpus')} over ${args.token('nodes')} is not a whole number of GPUs per node`);
  const gpus = gpusGiven ?? (nodesGiven ?? 1) * gpusPerNode;
  const nodes = nodesGiven ?? Math.ceil(gpus / gpusPerNode);
  if (nodes * gpusPerNode !== gpus)
    args.fail(`${gpus} GPUs do not split into ${nodes} nodes of ${gpusPerNode}; give gpus= and nodes= that divide`);
  gpusPerNode = gpus / nodes;
  const nics = args.integer('nics');
  const efficiency = args.fraction('eff') ?? 1;

  const intraLink = findLink(catalogs.links, args.text('intra') ?? 'nvlink4', args, 'intra');
  const intra = linkRates(intraLink, gpusPerNode, undefined);
  if (nodes === 1 && args.has('link')) {
    args.fail(
      `${args.token('link')} is the network between nodes, and ${gpus} GPUs fit one node; give nodes= or gpus_per_node= (e.g. gpus_per_node=1 for single-GPU machines), or intra= for the link inside the node`,
    );
  }
  const networkLink = nodes > 1 ? findLink(catalogs.links, args.text('link') ?? 'ib-ndr', args, 'link') : undefined;
  const network = networkLink === undefined ? undefined : linkRates(networkLink, gpusPerNode, nics);

  const intraBus = intra.perGpu * efficiency;
  // across nodes every ring crosses each node boundary, and NCCL spreads its channels over all the node's ports
  const ringBus = network ? Math.min(intraBus, network.perNode * efficiency) : intraBus;
  const ring = ringAllReduceSeconds(gradientBytes, gpus, ringBus);
  const movedPerGpu = ringAllReduceFactor(gpus) * gradientBytes;
  const figures: Record<string, Figure> = {
    gradientBytes: { value: gradientBytes, unit: 'B' },
    gpus: { value: gpus, unit: 'count' },
    nodes: { value: nodes, unit: 'count' },
    bytesPerGpu: { value: movedPerGpu, unit: 'B' },
    busBandwidth: { value: ringBus, unit: 'B/s' },
    ringSeconds: { value: ring, unit: 's' },
    algorithmBandwidth: { value: algorithmBandwidth(gradientBytes, ring), unit: 'B/s' },
  };
  const linkLabel = !network
    ? intra.label
    : gpusPerNode === 1
      ? `${network.label} between machines`
      : `${intra.label} inside nodes, ${network.label} between`;
  const rows: [string, string][] = [
    [
      'Gradients',
      `${formatBytes(gradientBytes)}${model ? ` (${count(model.params)} params × ${GRAD_BYTES[precision]} B ${precision})` : ''}`,
    ],
    ['Cluster', `${gpus} GPUs = ${nodes} node${nodes > 1 ? 's' : ''} × ${gpusPerNode}; ${linkLabel}`],
    ['Moved per GPU', `${formatBytes(movedPerGpu)} (2(n−1)/n × gradients)`],
    ['Ring all-reduce', `${duration(ring)} at ${bandwidth(ringBus)} busbw (algbw ${bandwidth(algorithmBandwidth(gradientBytes, ring))})`],
  ];
  const method = [
    `ring: time = 2(n−1)/n × bytes ÷ busbw = ${ringAllReduceFactor(gpus).toFixed(3)} × ${formatBytes(gradientBytes)} ÷ ${bandwidth(ringBus)} = ${duration(ring)}`,
    'busbw and algbw as nccl-tests define them: algbw = bytes ÷ time; busbw = algbw × 2(n−1)/n, comparable with the link rate whatever n is',
  ];
  const assumptions = [
    efficiency === 1
      ? 'links at their full rate; nccl-tests usually measure busbw at 70–90% of it (set eff=80%)'
      : `links at ${percent(efficiency)} of their rate (eff=)`,
  ];
  if (network && !args.has('link')) assumptions.push('link=ib-ndr assumed between nodes (one 400 Gb/s port per GPU); set link=');
  if (network && gpusPerNode > 1) {
    const h = hierarchicalAllReduceSeconds(gradientBytes, gpusPerNode, nodes, intraBus, network.perNode * efficiency);
    figures.hierarchicalSeconds = { value: h.intra + h.inter, unit: 's' };
    rows.push([
      'Hierarchical',
      `${duration(h.intra + h.inter)} (${duration(h.intra)} NVLink reduce-scatter + all-gather, ${duration(h.inter)} across nodes)`,
    ]);
    method.push(
      `hierarchical: 2(g−1)/g × bytes ÷ intra busbw + 2(m−1)/m × bytes ÷ node network (each of g rails carries 1/g of it) with g = ${gpusPerNode}, m = ${nodes}`,
    );
    if (!args.has('intra')) assumptions.push('intra=nvlink4 assumed inside nodes; set intra=');
  } else if (!network && !args.has('intra')) {
    assumptions.push('one node on NVLink 4 (H100/H200) assumed; set intra=');
  }
  const zero = zero3Seconds(gradientBytes, gpus, ringBus);
  figures.zero3Seconds = { value: zero, unit: 's' };
  rows.push([
    'ZeRO-3 per step',
    `${duration(zero)} (parameters all-gathered twice + gradients reduce-scattered: 3(n−1)/n × bytes, 1.5× the all-reduce)`,
  ]);

  const step = args.measure('step', 'time', 's');
  const overlap = args.fraction('overlap');
  if (overlap !== undefined && step === undefined)
    args.fail(`${args.token('overlap')} needs step= (the step time), e.g. step=1.2s overlap=80%`);
  if (step !== undefined) {
    const window = step * (overlap ?? 1);
    const needed = movedPerGpu / window;
    figures.neededBusBandwidth = { value: needed, unit: 'B/s' };
    figures.communicationShare = { value: (ring / step) * 100, unit: '%' };
    rows.push([
      'Needed',
      `≥ ${bandwidth(needed)} busbw to fit the all-reduce in ${percent(overlap ?? 1)} of a ${duration(step)} step (${((needed * 8) / 1e9).toFixed(0)} Gb/s); it takes ${percent(ring / step)} of the step now`,
    ]);
    method.push(`needed busbw = 2(n−1)/n × bytes ÷ (step × overlap) = ${formatBytes(movedPerGpu)} ÷ ${duration(window)}`);
    assumptions.push(`overlap=${percent(overlap ?? 1)}: the share of the step that compute can hide communication behind`);
  }
  const summary =
    `${duration(ring)} per all-reduce of ${formatBytes(gradientBytes)} over ${gpus} GPUs (${bandwidth(ringBus)} busbw)` +
    (step !== undefined
      ? ` · needs ≥ ${bandwidth(figures.neededBusBandwidth!.value)} to fit ${percent(overlap ?? 1)} of a ${duration(step)} step`
      : '');
  return { command: 'allreduce', input: text, summary, figures, rows, tables: [], assumptions, method };
}

export const allreduceCommand: Command<PlanResult> = {
  name: 'allreduce',
  view: 'plan',
  description: 'How long a gradient all-reduce takes on your links (ring, hierarchical, ZeRO-3), what a step needs',
  usage:
    '<model | grad=14GB> [bf16|fp32] [gpus= nodes= gpus_per_node=] [link=ib-ndr|ib-hdr|roce-400|efa|ethernet-25|400Gbps] [intra=nvlink4] [nics=] [step=1.2s overlap=80%] [eff=]',
  usageHint: '70b gpus=64 nodes=8 link=ib-ndr [step=1.2s overlap=80%]',
  examples: [
    '70b gpus=64 nodes=8 link=ib-ndr',
    'grad=14GB gpus=8',
    '7b gpus=16 nodes=2 link=ethernet-25 step=1.2s overlap=80%',
    '70b gpus=512 nodes=64 link=efa',
  ],
  run: computeAllreduce,
};
