// The daily scan on Lambda, fanned out: one queue message per place (AWS account × region, GCP
// project), each read by its own worker invocation, so the fleet's size never meets one
// invocation's 15 minutes. Each part stores what it found; the part that completes the run puts the
// parts together and hands them to the daily scan job, whose claim posts the report exactly once.

import { localDate } from '../../src/calc/period.ts';
import { failureReason, isBug } from '../../src/clouds/readFailure.ts';
import { placeSource } from '../../src/clouds/registry.ts';
import { type Place, placeName, type UtilizationSource } from '../../src/clouds/utilization.ts';
import { dailyScanJob } from '../../src/schedule/dailyScanJob.ts';
import type { JobOutcome, ScheduledJobContext } from '../../src/schedule/postOnce.ts';
import { bySaving, modelContext, type Recommendation } from '../rightsizing/recommend.ts';
import { DEFAULT_EXCLUSIONS, type Finding, scanWindow } from './idleFindings.ts';
import { type FleetScan, type ScanOptions, scanFleet } from './scanJob.ts';

export interface ScanPartTask {
  type: 'scan-part';
  run: string;
  place: Place;
  total: number;
}

/**
 * Findings and rightsizing recommendations a part stores per record: about 1 KB each, so a record
 * of both stays under DynamoDB's 400 KB item.
 */
export const FINDINGS_PER_RECORD = 200;
const RECOMMENDATIONS_PER_RECORD = 100;
/** A run's records outlive the day it reports on. */
const RUN_SECONDS = 2 * 24 * 60 * 60;

interface RunRecord {
  total: number;
  done: string[];
}
interface PartRecord {
  findings: Finding[];
  excluded: string[];
  notes: string[];
  demo: boolean;
  /** the place's rightsizing recommendations, a record's share of them */
  rightsizing?: Recommendation[];
}

const runKey = (run: string) => `scan-run#${run}`;
const partPrefix = (run: string) => `scan-part#${run}#`;

/**
 * Starts the day's run for the channel and queues its parts. A run that exists already (the
 * schedule fired twice, or queueing failed half-way and SQS delivers the start again) gets the parts
 * it has not finished queued again: parts are idempotent, and only the one that completes the run posts.
 */
export async function startScanFanOut(
  context: ScheduledJobContext,
  places: Place[],
  queue: (task: ScanPartTask) => Promise<void>,
): Promise<JobOutcome | 'fanned-out' | 'already-complete'> {
  const channel = context.scan?.channel;
  if (!channel) return 'no-channel';
  const now = context.now();
  const run = `${localDate(now, context.digest.timezone)}#${channel}`;
  let pending = places;
  if (
    !(await context.state.write<RunRecord>(runKey(run), { total: places.length, done: [] }, 0, {
      ttlSeconds: RUN_SECONDS,
      nowMs: now.getTime(),
    }))
  ) {
    const done = (await context.state.read<RunRecord>(runKey(run)))?.value.done ?? [];
    pending = places.filter((place) => !done.includes(placeName(place)));
    if (!pending.length) return 'already-complete';
  }
  for (const place of pending) await queue({ type: 'scan-part', run, place, total: places.length });
  context.log({ job: 'daily-scan', run, parts: places.length, queued: pending.length });
  return 'fanned-out';
}

/** Reads one place, stores what it found, and, if it is the run's last part, posts the report. */
export async function runScanPart(task: ScanPartTask, context: ScheduledJobContext): Promise<JobOutcome | 'part-done'> {
  const now = context.now();
  const options = context.scan ?? { exclusions: DEFAULT_EXCLUSIONS };
  const source = await placeSource(task.place, context.digest, context.env);
  const name = placeName(task.place);
  const part = source
    ? await readPart(task.place, source, now, options, context.env)
    : { findings: [], excluded: [], notes: [`${name}: skipped (no longer in the settings)`], demo: false };
  // several records where a place has many findings; a redelivered part writes the same records again
  const rightsizing = part.rightsizing ?? [];
  const chunks = Math.max(
    1,
    Math.ceil(part.findings.length / FINDINGS_PER_RECORD),
    Math.ceil(rightsizing.length / RECOMMENDATIONS_PER_RECORD),
  );
  for (let k = 0; k < chunks; k++) {
    const chunk: PartRecord = {
      ...part,
      findings: part.findings.slice(k * FINDINGS_PER_RECORD, (k + 1) * FINDINGS_PER_RECORD),
      rightsizing: rightsizing.slice(k * RECOMMENDATIONS_PER_RECORD, (k + 1) * RECOMMENDATIONS_PER_RECORD),
      ...(k ? { excluded: [], notes: [] } : {}),
    };
    const key = `${partPrefix(task.run)}${name}#${k}`;
    const existing = await context.state.read<PartRecord>(key);
    await context.state.write(key, chunk, existing?.version ?? 0, { ttlSeconds: RUN_SECONDS });
  }
  if (!(await markDone(context, task.run, name))) return 'part-done';
  return dailyScanJob({ ...context, scan: { ...options, scanned: await assemble(context, task.run, now) } });
}

/** One place's findings, labelled with the place; a place that fails is a note, as in a scan of the whole fleet. */
async function readPart(
  place: Place,
  source: UtilizationSource,
  now: Date,
  options: ScanOptions,
  env: NodeJS.ProcessEnv,
): Promise<PartRecord> {
  try {
    const { result, notes, demo, rightsizing } = await scanFleet(source, now, options, modelContext(env));
    // a place read alone is not labelled by its source; the whole run needs the labels
    const findings = result.findings.map((f) => ({
      ...f,
      region: f.region ?? place.region,
      ...(place.account && !f.account ? { account: place.account } : {}),
    }));
    const labelled = rightsizing.map((r) => ({
      ...r,
      place: r.place === 'default region' ? placeName(place) : r.place,
    }));
    return { findings, excluded: result.excluded, notes, demo, rightsizing: labelled };
  } catch (error) {
    if (isBug(error)) throw error;
    return {
      findings: [],
      excluded: [],
      notes: [`${placeName(place)}: ${failureReason(error, 'read')}; the other places are complete`],
      demo: false,
    };
  }
}

/** Adds the part to the run's done list; true for the one write that completes the run. */
async function markDone(context: ScheduledJobContext, run: string, name: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const current = await context.state.read<RunRecord>(runKey(run));
    if (!current) throw new Error(`the scan run ${run} is not in the state store (expired?)`);
    if (current.value.done.includes(name)) return false;
    const done = [...current.value.done, name];
    if (await context.state.write<RunRecord>(runKey(run), { ...current.value, done }, current.version, { ttlSeconds: RUN_SECONDS }))
      return done.length === current.value.total;
    // parts finishing together contend for the one record: back off a little, at random
    await new Promise((wait) => setTimeout(wait, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
  }
}

/** Every part of the run as one fleet scan, findings by waste as a scan of the whole fleet has them. */
async function assemble(context: ScheduledJobContext, run: string, now: Date): Promise<FleetScan> {
  const parts = (await context.state.list<PartRecord>(partPrefix(run))).map((entry) => entry.record.value);
  return {
    result: {
      findings: parts.flatMap((p) => p.findings).sort((a, b) => (b.monthlyWaste ?? 0) - (a.monthlyWaste ?? 0)),
      excluded: parts.flatMap((p) => p.excluded),
    },
    notes: parts.flatMap((p) => p.notes),
    demo: parts.length > 0 && parts.every((p) => p.demo),
    window: scanWindow(now),
    rightsizing: parts.flatMap((p) => p.rightsizing ?? []).sort(bySaving),
  };
}
