// Training compute and time: the 6·N·D rule, MFU, and the rework spot interruptions cost.

/** Model FLOPs utilization assumed when none is given: what well-tuned large runs report (35–45%). */
export const DEFAULT_MFU = 0.4;

/**
 * Forward ≈ 2·N·D FLOPs, backward ≈ 4·N·D; full activation recomputation repeats the forward,
 * 8·N·D in all: a third more.
 */
export const RECOMPUTE_FACTOR = 4 / 3;

export function trainingFlops(activeParams: number, tokens: number, recompute: boolean): number {
  return 6 * activeParams * tokens * (recompute ? RECOMPUTE_FACTOR : 1);
}

export function trainingSeconds(flops: number, gpus: number, peakFlopsPerGpu: number, mfu: number): number {
  return flops / (gpus * peakFlopsPerGpu * mfu);
}

/** Tokens a given amount of compute trains: the 6·N·D rule solved for D. */
export function tokensTrained(
  seconds: number,
  gpus: number,
  peakFlopsPerGpu: number,
  mfu: number,
  activeParams: number,
  recompute: boolean,
): number {
  return (seconds * gpus * peakFlopsPerGpu * mfu) / (6 * activeParams * (recompute ? RECOMPUTE_FACTOR : 1));
}

export interface SpotRework {
  /** expected interruptions over the whole run */
  interruptions: number;
  /** hours of work redone or spent restarting */
  lostHours: number;
  /** wall-clock hours including the rework */
  totalHours: number;
}

/**
 * Each interruption loses, on average, half a checkpoint interval of work plus the restart time.
 * Interruptions also strike the rework, so total time T = W + rate·T·(interval/2 + restart),
 * T = W ÷ (1 − rate·(interval/2 + restart)). Returns null when the run would never finish.
 */
export function spotRework(
  workHours: number,
  interruptionsPerHour: number,
  checkpointEveryHours: number,
  restartHours: number,
): SpotRework | null {
  const lossPerInterruption = checkpointEveryHours / 2 + restartHours;
  const share = interruptionsPerHour * lossPerInterruption;
  if (share >= 1) return null;
  const totalHours = workHours / (1 - share);
  return { interruptions: interruptionsPerHour * totalHours, lostHours: totalHours - workHours, totalHours };
}
