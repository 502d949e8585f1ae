// Work that outlives Slack's three seconds, as plain data: a report to run and post, or an action
// on an idle finding. The bot acknowledges at once and hands the task off: run in this process
// (long-lived mode), or sent to a queue whose worker runs the same task with the same runner
// (serverless). Everything a task needs travels inside it: the response URL, the channel, the
// message the click came from.
import type { WebClient } from '@slack/web-api';
import { runScanPart, type ScanPartTask, startScanFanOut } from '../../reports/idleScan/scanFanOut.ts';
import { actionAllowed } from '../actions/approvedChange.ts';
import type { FindingRef } from '../actions/findingRef.ts';
import { resourceKey } from '../actions/findingRef.ts';
import type { IdleActions } from '../actions/idleActions.ts';
import type { ResizeActions } from '../actions/resizeActions.ts';
import { type ResizeRef, resizeKey } from '../actions/resizeRef.ts';
import { scanPlaces } from '../clouds/registry.ts';
import { SCHEDULED_JOBS, type ScheduledJobName } from '../schedule/jobs.ts';
import type { ScheduledJobContext } from '../schedule/postOnce.ts';
import type { ApprovalSettings } from '../settings/fileSettings.ts';
import { type SlackMessage, splitMessage } from './blockLimits.ts';
import { chartsInThread, sendWithChartFallback } from './chartFallback.ts';
import { controlBlock, rerenderControls } from './findingBlocks.ts';
import { resizeControlBlock, resizeOutcome } from './rightsizingBlocks.ts';
import type { ShownMessage } from './shownMessages.ts';

export type LongTask =
  | { type: 'report'; job: keyof FinopsJobs; public: boolean; channel: string; responseUrl: string }
  | { type: 'idle-action'; action: 'stop' | 'restore' | 'snooze'; user: string; ref: FindingRef; shown?: ShownMessage; responseUrl: string }
  | { type: 'idle-keep'; user: string; ref: FindingRef; reason: string; shown?: ShownMessage; channel?: string }
  | { type: 'resize-action'; action: 'resize' | 'restore'; user: string; ref: ResizeRef; shown?: ShownMessage; responseUrl: string }
  /** a scheduled report (EventBridge Scheduler hands it to the worker); it claims its period first */
  | { type: 'scheduled'; job: ScheduledJobName }
  | ScanPartTask;

export interface LongWork {
  /** hands the task off and returns: the task posts its own result */
  start(task: LongTask): Promise<void>;
}

/** The jobs behind /finops digest, /finops scan and /finops rightsize; each returns the message to post. */
export interface FinopsJobs {
  digest(): Promise<SlackMessage>;
  scan(): Promise<SlackMessage>;
  rightsize(): Promise<SlackMessage>;
}

export interface LongTaskDeps {
  client: WebClient;
  jobs: FinopsJobs;
  actions: IdleActions;
  resizes: ResizeActions;
  approvals: ApprovalSettings;
  /** what scheduled reports need; without it a scheduled task is refused */
  scheduled?: ScheduledJobContext;
  /** where the daily scan queues one part per place when it reads more than one (the worker's own queue on Lambda) */
  fanOut?: LongWork;
  log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>): void;
}

/** Posts to a response_url as Bolt's respond() does; a refusal throws with Slack's answer. */
async function postToResponseUrl(url: string, message: Record<string, unknown>): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
  if (!response.ok) {
    const error = new Error(`response_url answered ${response.status}`) as Error & { response: { data: string } };
    error.response = { data: await response.text() };
    throw error;
  }
}

export type LongTaskRunner = (task: LongTask) => Promise<void>;

export function longTaskRunner(deps: LongTaskDeps): LongTaskRunner {
  const { client, actions, log } = deps;
  const allows = actionAllowed(deps.approvals);
  // updates of one message in this process go one after another, so a late one never overwrites
  // a newer state; each re-renders every control block from the store, so the blocks of the click
  // are a sound base whatever changed since
  const chains = new Map<string, Promise<void>>();

  function refresher(
    shown: ShownMessage | undefined,
    ref: FindingRef | ResizeRef,
    tell: (text: string) => Promise<void>,
    responseUrl?: string,
  ): () => Promise<void> {
    if (!shown) {
      // no message to update (Slack sent none): tell the clicker where things stand instead
      return async () => {
        const line =
          'endpointName' in ref
            ? resizeControlBlock(ref, (action) => allows(ref, action), (await deps.resizes.statusOf([resizeKey(ref)])).get(resizeKey(ref)))
            : controlBlock(ref, (action) => allows(ref, action), (await actions.statusOf([resourceKey(ref)])).get(resourceKey(ref)));
        if (line.type === 'section' && line.text) await tell(line.text.text);
      };
    }
    const id = `${shown.channel}:${shown.ts}`;
    return () => {
      const next = (chains.get(id) ?? Promise.resolve())
        .then(async () => {
          const blocks = await rerenderControls(shown.blocks, (resources) => actions.statusOf(resources), allows, shown.ts);
          if (shown.channel && shown.ts && !shown.ephemeral)
            await client.chat.update({ channel: shown.channel, ts: shown.ts, text: shown.text, blocks });
          else if (responseUrl) await postToResponseUrl(responseUrl, { replace_original: true, text: shown.text, blocks });
        })
        .catch((error: unknown) => log('error', { update: id, error: (error as Error).message }))
        .finally(() => {
          if (chains.get(id) === next) chains.delete(id);
        });
      chains.set(id, next);
      return next;
    };
  }

  return async (task) => {
    switch (task.type) {
      case 'report': {
        // to the channel with `public`: the WebClient waits out Retry-After on HTTP 429 and sends
        // again, so no part is ever dropped; otherwise only to the caller, through response_url
        for (const part of splitMessage(await deps.jobs[task.job]())) {
          await sendWithChartFallback(
            (message) =>
              task.public
                ? client.chat.postMessage({ channel: task.channel, ...message })
                : postToResponseUrl(task.responseUrl, { response_type: 'ephemeral', replace_original: false, ...message }),
            part,
            task.public ? chartsInThread(client, task.channel, (fields) => log('warn', fields)) : {},
          );
        }
        return;
      }
      case 'idle-action': {
        const tell = (text: string) => postToResponseUrl(task.responseUrl, { response_type: 'ephemeral', replace_original: false, text });
        const reply = await actions[task.action](task.user, task.ref, refresher(task.shown, task.ref, tell, task.responseUrl));
        if (reply) await tell(reply);
        return;
      }
      case 'resize-action': {
        const tell = (text: string) => postToResponseUrl(task.responseUrl, { response_type: 'ephemeral', replace_original: false, text });
        const { reply, acted } = await deps.resizes[task.action](
          task.user,
          task.ref,
          refresher(task.shown, task.ref, tell, task.responseUrl),
        );
        if (reply) await tell(reply);
        // a resize takes minutes: the click that acted posts its outcome in the message's thread, where the channel sees it
        if (!acted) return;
        const record = (await deps.resizes.statusOf([resizeKey(task.ref)])).get(resizeKey(task.ref))?.action;
        const outcome = record && resizeOutcome(task.action, task.ref, record);
        if (outcome && task.shown?.channel && task.shown.ts && !task.shown.ephemeral)
          await client.chat.postMessage({ channel: task.shown.channel, thread_ts: task.shown.ts, text: outcome });
        return;
      }
      case 'idle-keep': {
        const tell = async (text: string) => {
          await client.chat.postEphemeral({ channel: task.channel ?? task.user, user: task.user, text });
        };
        const reply = await actions.keep(task.user, task.ref, task.reason, refresher(task.shown, task.ref, tell));
        if (reply) await tell(reply);
        return;
      }
      case 'scheduled': {
        const scheduled = deps.scheduled;
        if (!scheduled) throw new Error('scheduled reports are not set up in this runtime');
        const places = task.job === 'daily-scan' && deps.fanOut ? scanPlaces(scheduled.digest, scheduled.env) : [];
        const outcome =
          places.length > 1
            ? await startScanFanOut(scheduled, places, (part) => deps.fanOut!.start(part))
            : await SCHEDULED_JOBS[task.job](scheduled);
        log('info', { scheduled: task.job, outcome });
        return;
      }
      case 'scan-part': {
        if (!deps.scheduled) throw new Error('scheduled reports are not set up in this runtime');
        const outcome = await runScanPart(task, deps.scheduled);
        log('info', { scanPart: task.place, run: task.run, outcome });
      }
    }
  };
}

/** Runs each task in this process, after the acknowledgement has gone out. */
export function inProcessLongWork(run: LongTaskRunner, log: LongTaskDeps['log']): LongWork {
  return {
    async start(task) {
      setImmediate(() => {
        run(task).catch((error: unknown) => log('error', { task: task.type, error: (error as Error).message }));
      });
    },
  };
}
