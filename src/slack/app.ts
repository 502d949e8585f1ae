// The Bolt app: every command of the registry as a slash command, and /finops as the umbrella.
// Knows Slack, not clouds. Calculators answer inside the acknowledgement; long work is handed off.
import { randomBytes } from 'node:crypto';
import { App, type Receiver, type RespondFn, SocketModeReceiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Command, CommandContext } from '../../commands/command.ts';
import { UsageError } from '../../commands/command.ts';
import { COMMANDS, findCommand } from '../../commands/index.ts';
import { DEFAULT_EXCLUSIONS } from '../../reports/idleScan/idleFindings.ts';
import { DEFAULT_RIGHTSIZING, type RightsizingSettings } from '../../reports/rightsizing/recommend.ts';
import { Approvers } from '../actions/approvers.ts';
import { AUDIT_WINDOW_HELP, auditLine, DEFAULT_AUDIT_WINDOW, parseAuditWindow, readAudit } from '../actions/auditLog.ts';
import type { CloudActionSettings } from '../actions/cloudActions.ts';
import { IdleActions } from '../actions/idleActions.ts';
import { ResizeActions } from '../actions/resizeActions.ts';
import { type ApprovalSettings, DEFAULT_APPROVALS } from '../settings/fileSettings.ts';
import type { StateStore } from '../state/stateStore.ts';
import { type Block, chunkLines, type SlackMessage, splitMessage } from './blockLimits.ts';
import { registerIdleActionHandlers } from './idleActionHandlers.ts';
import { type FinopsJobs, inProcessLongWork, type LongWork, longTaskRunner } from './longTasks.ts';
import { BLOCK_RENDERERS } from './renderers.ts';

export type { FinopsJobs } from './longTasks.ts';

export function log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, ...fields })}\n`);
}

export type Visibility = 'ephemeral' | 'in_channel';
export interface Reply extends SlackMessage {
  response_type: Visibility;
}

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });

export function helpReply(command: Command<unknown>): Reply {
  const text = `*/${command.name}*: ${command.description}\nUsage: \`/${command.name} ${command.usage}\``;
  const examples = command.examples.map((e) => `• \`/${command.name} ${e}\``).join('\n');
  return {
    response_type: 'ephemeral',
    text,
    blocks: [section(text), section(`Examples:\n${examples}`), section('Add `public` to show the answer to the channel.')],
  };
}

function usageReply(command: Command<unknown>, error: UsageError): Reply {
  const lines = [`:warning: ${error.message}`];
  if (error.detail.understood?.length) lines.push(`Understood: \`${error.detail.understood.join(' ')}\``);
  if (error.unmentioned.length) lines.push(`Not understood: \`${error.unmentioned.join(' ')}\``);
  lines.push(`Usage: \`/${command.name} ${command.usage}\``, `For example: \`/${command.name} ${command.examples[0]}\``);
  return { response_type: 'ephemeral', text: lines[0]!, blocks: [section(lines.join('\n'))] };
}

/** Slack caps a button's value at 2,000 characters; a longer command is simply not offered for sharing. */
const MAX_BUTTON_VALUE = 2000;
export const SHARE_ACTION = 'share_answer';

interface ShareRequest {
  command: string;
  text: string;
}

function shareButton(command: Command<unknown>, text: string): Block[] {
  const value = JSON.stringify({ command: command.name, text } satisfies ShareRequest);
  if (value.length > MAX_BUTTON_VALUE) return [];
  return [
    {
      type: 'actions',
      elements: [{ type: 'button', action_id: SHARE_ACTION, text: { type: 'plain_text', text: 'Share in channel' }, value }],
    },
  ];
}

function parseShareRequest(value: string | undefined): ShareRequest | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as Partial<ShareRequest>;
    return typeof parsed.command === 'string' && typeof parsed.text === 'string'
      ? { command: parsed.command, text: parsed.text }
      : undefined;
  } catch {
    return undefined;
  }
}

function splitPublic(text: string): { text: string; isPublic: boolean } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const kept = words.filter((w) => w.toLowerCase() !== 'public');
  return { text: kept.join(' '), isPublic: kept.length !== words.length };
}

/**
 * The answer to one slash command as one or more messages (Slack takes 50 blocks a message).
 * A private answer ends with a button that shares it with the channel.
 */
export async function answerCommand(
  command: Command<unknown>,
  rawText: string,
  context: CommandContext,
  user: string,
  visibility: Visibility = 'ephemeral',
  sharedBy?: string,
): Promise<Reply[]> {
  const { text, isPublic } = splitPublic(rawText);
  if (!text || text === 'help') return [helpReply(command)];
  const started = Date.now();
  try {
    const result = await command.run(text, context);
    const message = BLOCK_RENDERERS[command.view](result as never);
    log('info', { command: command.name, user, ms: Date.now() - started });
    const responseType = isPublic ? 'in_channel' : visibility;
    const trailer: Block[] = sharedBy
      ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `Shared by <@${sharedBy}>: \`/${command.name} ${text}\`` }] }]
      : responseType === 'ephemeral'
        ? shareButton(command, text)
        : [];
    const blocks = [...message.blocks, ...trailer];
    return splitMessage({ text: message.text, blocks }).map((part) => ({ response_type: responseType, ...part }));
  } catch (error) {
    if (error instanceof UsageError) {
      log('info', { command: command.name, user, ms: Date.now() - started, usage: error.message });
      return [usageReply(command, error)];
    }
    const ref = randomBytes(3).toString('hex').toUpperCase();
    log('error', {
      ref,
      command: command.name,
      user,
      ms: Date.now() - started,
      error: (error as Error).message,
      stack: (error as Error).stack,
    });
    const apology = `Something went wrong (ref ${ref}). The team can find it in the logs under that reference.`;
    return [{ response_type: 'ephemeral', text: apology, blocks: [section(apology)] }];
  }
}

/** The first message goes back in the acknowledgement; the rest follow through response_url, in order. */
async function deliver(replies: Reply[], ack: (reply: Reply) => Promise<void>, respond: RespondFn): Promise<void> {
  const [first, ...rest] = replies;
  await ack(first!);
  for (const reply of rest) await respond({ ...reply, replace_original: false });
}

export function finopsHelp(): Reply {
  const lines = COMMANDS.map((c) => `• \`/${c.name}\` ${c.description}, e.g. \`/${c.name} ${c.examples[0]}\``);
  lines.push(
    '• `/finops digest` shows the weekly cost digest now (add `public` to post it to the channel)',
    '• `/finops scan` runs the idle-resource scan now (`public` posts it with its Stop / Snooze / Keep buttons)',
    '• `/finops rightsize` finds endpoints on bigger GPUs than their model and peak load need (`public` posts it)',
    '• `/finops audit [7d]` shows the latest clicks, decisions and cloud calls on idle resources',
  );
  return { response_type: 'ephemeral', text: 'burnrate commands', blocks: [section('*burnrate commands*'), section(lines.join('\n'))] };
}

export interface SlackAppOptions {
  receiver?: Receiver;
  token: string;
  slackApiUrl?: string;
  context: CommandContext;
  jobs: FinopsJobs;
  /** where long tasks go; by default they run in this process once the acknowledgement is out */
  longWork?: LongWork;
  /** who sees calculator answers without `public` */
  visibility?: Visibility;
  /** Socket Mode instead of a receiver; its connection is opened through slackApiUrl too */
  socketMode?: { appToken: string };
  /** remembers event ids, so Slack's retries (X-Slack-Retry-Num) are acted on once; holds the actions' records and audit log */
  state: StateStore;
  /** who may act on idle findings and recommendations and where the clouds are; without it, no one may Stop or Resize and the demo account answers */
  idle?: { approvals: ApprovalSettings; cloud: CloudActionSettings; rightsizing?: RightsizingSettings };
  now?: () => Date;
  /** the bot's own ids: with them Bolt does not call auth.test before the first request (cold starts) */
  bot?: { botId: string; botUserId: string };
}

const AUDIT_LINES = 40;

/** The audit log's latest entries, for /finops audit [7d]. */
async function auditReply(state: StateStore, windowText: string, now: Date): Promise<Reply> {
  const windowMs = parseAuditWindow(windowText || DEFAULT_AUDIT_WINDOW);
  if (windowMs === undefined) {
    const text = `:warning: "${windowText}" is not ${AUDIT_WINDOW_HELP}. Usage: \`/finops audit [7d]\``;
    return { response_type: 'ephemeral', text, blocks: [section(text)] };
  }
  const entries = await readAudit(state, windowMs, AUDIT_LINES, now.getTime());
  const title = `*Audit log, last ${windowText || DEFAULT_AUDIT_WINDOW}*${entries.length === AUDIT_LINES ? ` (latest ${AUDIT_LINES}; \`npx burnrate audit --json\` exports all)` : ''}`;
  const lines = entries.length ? entries.map((e) => auditLine(e, (u) => `<@${u}>`)) : ['Nothing recorded in this window.'];
  return { response_type: 'ephemeral', text: 'Audit log', blocks: [section(title), ...chunkLines(lines).map((text) => section(text))] };
}

/** Slack retries an event for up to about an hour; a claim outlives that. */
export const EVENT_DEDUPE_SECONDS = 2 * 60 * 60;

export function createSlackApp(options: SlackAppOptions): App {
  const clientOptions = options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : undefined;
  const receiver = options.socketMode
    ? // Bolt's own socketMode flag opens the connection at slack.com whatever clientOptions say
      new SocketModeReceiver({ appToken: options.socketMode.appToken, installerOptions: { clientOptions } })
    : options.receiver;
  const app = new App({
    receiver,
    token: options.token,
    clientOptions,
    ...(options.bot ? { botId: options.bot.botId, botUserId: options.bot.botUserId, tokenVerificationEnabled: false } : {}),
  });
  const visibility = options.visibility ?? 'ephemeral';
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await options.state.claim(`slack-event:${eventId}`, EVENT_DEDUPE_SECONDS))) {
      log('info', { event: eventId, duplicate: true });
      return;
    }
    await next();
  });
  app.event('app_mention', async ({ event, client }) => {
    await client.chat.postMessage({
      channel: event.channel,
      thread_ts: event.thread_ts ?? event.ts,
      text: 'Hi! Try `/gpu-memory 70b fp16`, or `/finops help` for every command.',
    });
  });
  for (const command of COMMANDS) {
    app.command(`/${command.name}`, async ({ command: payload, ack, respond }) => {
      await deliver(await answerCommand(command, payload.text, options.context, payload.user_id, visibility), ack, respond);
    });
  }
  app.action(SHARE_ACTION, async ({ action, body, ack, respond }) => {
    await ack();
    const request = parseShareRequest((action as { value?: string }).value);
    const command = request && findCommand(request.command);
    if (!command || !request) {
      log('warn', { action: SHARE_ACTION, user: body.user.id, unreadable: true });
      return;
    }
    const replies = await answerCommand(command, request.text, options.context, body.user.id, 'in_channel', body.user.id);
    for (const reply of replies) await respond({ ...reply, replace_original: false });
  });
  const now = options.now ?? (() => new Date());
  const { actions, resizes, approvals } = idleActions(options, app.client, now);
  const longWork =
    options.longWork ??
    inProcessLongWork(longTaskRunner({ client: app.client, jobs: options.jobs, actions, resizes, approvals, log }), log);
  registerIdleActionHandlers(app, { actions, state: options.state, longWork, log });
  app.command('/finops', async ({ command: payload, ack, respond }) => {
    const [verb = 'help', ...rest] = payload.text.trim().split(/\s+/);
    if (verb === 'audit') {
      await ack(await auditReply(options.state, rest.join(' '), now()));
      return;
    }
    const job = verb === 'digest' || verb === 'scan' || verb === 'rightsize' ? verb : undefined;
    if (!job) {
      const sub = findCommand(verb);
      const replies = sub ? await answerCommand(sub, rest.join(' '), options.context, payload.user_id, visibility) : [finopsHelp()];
      await deliver(replies, ack, respond);
      return;
    }
    const { isPublic } = splitPublic(rest.join(' '));
    const what = { digest: 'weekly digest', scan: 'idle scan', rightsize: 'rightsizing' }[job];
    await ack({ response_type: 'ephemeral', text: `Working on the ${what}${isPublic ? ' for the channel' : ''}…` });
    await longWork.start({ type: 'report', job, public: isPublic, channel: payload.channel_id, responseUrl: payload.response_url });
  });
  return app;
}

/** The actions on idle findings (Stop…) and on recommendations (Resize) for these options: the approvers are read through `client`. */
export function idleActions(
  options: Pick<SlackAppOptions, 'idle' | 'state'>,
  client: WebClient,
  now: () => Date,
): { actions: IdleActions; resizes: ResizeActions; approvals: ApprovalSettings } {
  const approvals = options.idle?.approvals ?? DEFAULT_APPROVALS;
  const context = {
    state: options.state,
    approvals,
    now,
    approvers: new Approvers(approvals, client),
    cloud: options.idle?.cloud ?? { env: {}, exclusions: DEFAULT_EXCLUSIONS },
  };
  return {
    approvals,
    actions: new IdleActions(context),
    resizes: new ResizeActions({ ...context, rightsizing: options.idle?.rightsizing ?? DEFAULT_RIGHTSIZING }),
  };
}
