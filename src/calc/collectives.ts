// Collective communication time on the bandwidth model nccl-tests uses: a ring all-reduce moves
// 2(n−1)/n of the buffer through every GPU, so time = that ÷ bus bandwidth (busbw), and the
// "algorithm bandwidth" a program sees is algbw = bytes ÷ time = busbw × n ÷ 2(n−1).
// (https://github.com/NVIDIA/nccl-tests/blob/master/doc/PERFORMANCE.md)

export function ringAllReduceFactor(ranks: number): number {
  return ranks <= 1 ? 0 : (2 * (ranks - 1)) / ranks;
}

/** Ring all-reduce of `bytes` over `ranks` at a bus bandwidth in bytes/s. */
export function ringAllReduceSeconds(bytes: number, ranks: number, busBandwidth: number): number {
  return (ringAllReduceFactor(ranks) * bytes) / busBandwidth;
}

export function algorithmBandwidth(bytes: number, seconds: number): number {
  return seconds > 0 ? bytes / seconds : Infinity;
}

/**
 * Two levels: reduce-scatter inside each node over NVLink, all-reduce of each GPU's 1/g shard across
 * nodes (every GPU on its own network rail), all-gather inside the node again.
 */
export function hierarchicalAllReduceSeconds(
  bytes: number,
  gpusPerNode: number,
  nodes: number,
  intraPerGpu: number,
  nodeNetwork: number,
): { intra: number; inter: number } {
  const intra = (ringAllReduceFactor(gpusPerNode) * bytes) / intraPerGpu;
  // each of the g rails carries a 1/g shard at 1/g of the node's network: the g cancel
  const inter = (ringAllReduceFactor(nodes) * bytes) / nodeNetwork;
  return { intra, inter };
}

/**
 * ZeRO-3 per step: parameters all-gathered for the forward and again for the backward, gradients
 * reduce-scattered: 3 × (n−1)/n of the buffer per GPU, 1.5× a data-parallel all-reduce.
 */
export function zero3Seconds(bytes: number, ranks: number, busBandwidth: number): number {
  return ranks <= 1 ? 0 : (3 * (ranks - 1) * bytes) / ranks / busBandwidth;
}
