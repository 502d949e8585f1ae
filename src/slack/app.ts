// The Bolt app: every command of the registry as a slash command, and /finops as the umbrella.
// Knows Slack, not clouds. Calculators answer inside the acknowledgement; long work is handed off.
import { randomBytes } from 'node:crypto';
import { App, type Receiver } from '@slack/bolt';
import type { Command, CommandContext } from '../../commands/command.ts';
import { UsageError } from '../../commands/command.ts';
import { COMMANDS } from '../../commands/index.ts';
import type { StateStore } from '../state/stateStore.ts';
import type { Block } from './blockLimits.ts';
import { BLOCK_RENDERERS } from './renderers.ts';

export interface LongWork {
  /** starts `job` and returns at once; the job posts its own result */
  start(name: string, job: () => Promise<void>): void;
}

/** Runs long work in this process, after the acknowledgement has gone out. */
export const inProcessLongWork: LongWork = {
  start(name, job) {
    setImmediate(() => {
      job().catch((error: unknown) => log('error', { job: name, error: (error as Error).message }));
    });
  },
};

export function log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, ...fields })}\n`);
}

interface Reply { response_type: 'ephemeral' | 'in_channel'; text: string; blocks?: Block[] }

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });

export function helpReply(command: Command<unknown>): Reply {
  const text = `*/${command.name}*: ${command.description}\nUsage: \`/${command.name} ${command.usage}\``;
  const examples = command.examples.map((e) => `• \`/${command.name} ${e}\``).join('\n');
  return { response_type: 'ephemeral', text, blocks: [section(text), section(`Examples:\n${examples}`), section('Add `public` to show the answer to the channel.')] };
}

function usageReply(command: Command<unknown>, error: UsageError): Reply {
  const lines = [`:warning: ${error.message}`];
  if (error.detail.understood?.length) lines.push(`Understood: \`${error.detail.understood.join(' ')}\``);
  if (error.detail.notUnderstood?.length) lines.push(`Not understood: \`${error.detail.notUnderstood.join(' ')}\``);
  lines.push(`Usage: \`/${command.name} ${command.usage}\``, `For example: \`/${command.name} ${command.examples[0]}\``);
  return { response_type: 'ephemeral', text: lines[0]!, blocks: [section(lines.join('\n'))] };
}

function splitPublic(text: string): { text: string; isPublic: boolean } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const kept = words.filter((w) => w.toLowerCase() !== 'public');
  return { text: kept.join(' '), isPublic: kept.length !== words.length };
}

export type Visibility = 'ephemeral' | 'in_channel';

export async function answerCommand(
  command: Command<unknown>, rawText: string, context: CommandContext, user: string, visibility: Visibility = 'ephemeral',
): Promise<Reply> {
  const { text, isPublic } = splitPublic(rawText);
  if (!text || text === 'help') return helpReply(command);
  const started = Date.now();
  try {
    const result = await command.run(text, context);
    const message = BLOCK_RENDERERS[command.name]!(result as never);
    log('info', { command: command.name, user, ms: Date.now() - started });
    return { response_type: isPublic ? 'in_channel' : visibility, ...message };
  } catch (error) {
    if (error instanceof UsageError) {
      log('info', { command: command.name, user, ms: Date.now() - started, usage: error.message });
      return usageReply(command, error);
    }
    const ref = randomBytes(3).toString('hex').toUpperCase();
    log('error', { ref, command: command.name, user, ms: Date.now() - started, error: (error as Error).message, stack: (error as Error).stack });
    return { response_type: 'ephemeral', text: `Something went wrong (ref ${ref}). The team can find it in the logs under that reference.` };
  }
}

export interface FinopsJobs {
  digest(): Promise<string>;
  scan(): Promise<string>;
}

export function finopsHelp(): Reply {
  const lines = COMMANDS.map((c) => `• \`/${c.name}\` ${c.description}, e.g. \`/${c.name} ${c.examples[0]}\``);
  lines.push('• `/finops digest` posts the weekly cost digest now', '• `/finops scan` runs the idle-resource scan now');
  return { response_type: 'ephemeral', text: 'burnrate commands', blocks: [section('*burnrate commands*'), section(lines.join('\n'))] };
}

export interface SlackAppOptions {
  receiver?: Receiver;
  token: string;
  slackApiUrl?: string;
  context: CommandContext;
  jobs: FinopsJobs;
  longWork: LongWork;
  /** who sees calculator answers without `public` */
  visibility?: Visibility;
  /** Socket Mode instead of a receiver */
  socketMode?: { appToken: string };
  /** remembers event ids, so Slack's retries (X-Slack-Retry-Num) are acted on once */
  state: StateStore;
}

/** Slack retries an event for up to about an hour; a claim outlives that. */
export const EVENT_DEDUPE_SECONDS = 2 * 60 * 60;

export function createSlackApp(options: SlackAppOptions): App {
  const app = new App({
    ...(options.socketMode ? { socketMode: true, appToken: options.socketMode.appToken } : { receiver: options.receiver }),
    token: options.token,
    clientOptions: options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : undefined,
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
      channel: event.channel, thread_ts: event.thread_ts ?? event.ts,
      text: 'Hi! Try `/gpu-memory 70b fp16`, or `/finops help` for every command.',
    });
  });
  for (const command of COMMANDS) {
    app.command(`/${command.name}`, async ({ command: payload, ack }) => {
      await ack(await answerCommand(command, payload.text, options.context, payload.user_id, visibility));
    });
  }
  app.command('/finops', async ({ command: payload, ack, client }) => {
    const [verb = 'help', ...rest] = payload.text.trim().split(/\s+/);
    const job = verb === 'digest' || verb === 'scan' ? verb : undefined;
    if (!job) {
      const sub = COMMANDS.find((c) => c.name === verb);
      await ack(sub ? await answerCommand(sub, rest.join(' '), options.context, payload.user_id, visibility) : finopsHelp());
      return;
    }
    await ack({ response_type: 'ephemeral', text: `Working on the ${job === 'digest' ? 'weekly digest' : 'idle scan'}…` });
    options.longWork.start(job, async () => {
      const text = await options.jobs[job]();
      // the WebClient waits out Retry-After on HTTP 429 and sends again, so the result is never dropped
      await client.chat.postMessage({ channel: payload.channel_id, text });
    });
  });
  return app;
}
