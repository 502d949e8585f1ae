// Slack's side of the local playground: one workspace with one channel, the Web API methods the
// app calls (reached through SLACK_API_URL), response_url, and the requests Slack sends the app
// (slash commands, button clicks, modal submissions), form-encoded and signed with the signing
// secret exactly as Slack signs them. The page drives it; the app cannot tell it from Slack.
import { randomBytes } from 'node:crypto';
import { parse, stringify } from 'node:querystring';
import { type Block, buttonsIn } from '../slack/blockLimits.ts';
import { slashCommands } from '../slack/manifest.ts';
import { signSlackRequest } from '../slack/requestSignature.ts';

export interface Person {
  id: string;
  name: string;
  approver: boolean;
}

export const CHANNEL = { id: 'C0PLAYGRND', name: 'ml-platform' } as const;
export const TEAM = { id: 'T0PLAYGRND', domain: 'burnrate-playground' } as const;
export const BOT = { botId: 'B0BURNRATE', botUserId: 'U0BURNRATE', name: 'burnrate' } as const;
export const PEOPLE: Person[] = [
  { id: 'U0APPROVER', name: 'ada', approver: true },
  { id: 'U0ENGINEER', name: 'sam', approver: false },
];
const SLACKBOT = 'USLACKBOT';

export interface ChannelMessage {
  ts: string;
  user: string;
  text: string;
  blocks?: Block[];
  /** an ephemeral message: only this person sees it */
  visibleTo?: string;
  /** the slash command someone typed: Slack shows it nowhere, the page shows it to them so the answer reads in context */
  command?: boolean;
}

export interface OpenView {
  id: string;
  user: string;
  view: Record<string, unknown>;
  errors?: Record<string, string>;
}

/** Where a response_url posts: to whom and, for a click, which message replace_original replaces. */
interface ResponseTarget {
  user: string;
  sourceTs?: string;
  at: number;
  uses: number;
}

/** A trigger_id lasts three seconds in Slack; views.open refuses an older one. */
const TRIGGER_MS = 3000;
/** Slack takes up to five posts to a response_url within 30 minutes. */
const RESPONSE_URL_MS = 30 * 60_000;
const RESPONSE_URL_USES = 5;
/** Slack's limit of blocks in a message. */
const MAX_BLOCKS = 50;

type ApiAnswer = Record<string, unknown> & { ok: boolean };

export class SlackStandIn {
  readonly messages: ChannelMessage[] = [];
  readonly views = new Map<string, OpenView>();
  private readonly responseUrls = new Map<string, ResponseTarget>();
  private readonly triggers = new Map<string, { user: string; at: number }>();
  private readonly listeners = new Set<() => void>();
  private readonly commands: Set<string>;
  private lastMicros = 0;

  /** `baseUrl` is where this process serves; the app's events go to baseUrl + /slack/events. */
  constructor(
    private readonly baseUrl: string,
    private readonly signingSecret: string,
  ) {
    this.commands = new Set(slashCommands().map((c) => c.command));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What `user` sees in the channel: every public message and their own ephemeral ones. */
  visibleTo(user: string): ChannelMessage[] {
    return this.messages.filter((m) => !m.visibleTo || m.visibleTo === user);
  }

  viewOf(user: string): OpenView | undefined {
    return [...this.views.values()].find((v) => v.user === user);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Slack's ts: epoch seconds with six decimals, unique and increasing within the channel. */
  private nextTs(): string {
    this.lastMicros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    return `${Math.floor(this.lastMicros / 1e6)}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }

  private add(message: Omit<ChannelMessage, 'ts'>): ChannelMessage {
    const added = { ts: this.nextTs(), ...message };
    this.messages.push(added);
    this.changed();
    return added;
  }

  private responseUrl(target: Omit<ResponseTarget, 'at' | 'uses'>): string {
    const now = Date.now();
    for (const [token, old] of this.responseUrls) if (now - old.at > RESPONSE_URL_MS) this.responseUrls.delete(token);
    const token = randomBytes(12).toString('hex');
    this.responseUrls.set(token, { ...target, at: now, uses: 0 });
    return `${this.baseUrl}/playground/response/${token}`;
  }

  private trigger(user: string): string {
    const now = Date.now();
    for (const [id, old] of this.triggers) if (now - old.at > TRIGGER_MS) this.triggers.delete(id);
    const id = `${now}.${randomBytes(6).toString('hex')}`;
    this.triggers.set(id, { user, at: now });
    return id;
  }

  /** The playground's person with this id; a StandInError names the ones there are. */
  person(user: string): Person {
    const person = PEOPLE.find((p) => p.id === user);
    if (!person) throw new StandInError(`unknown user ${user}; the playground has ${PEOPLE.map((p) => p.id).join(' and ')}`);
    return person;
  }

  /** Sends a request to the app as Slack does: form-encoded, signed, with a fresh timestamp. */
  private async send(body: string): Promise<Response> {
    const timestamp = Math.floor(Date.now() / 1000);
    return fetch(`${this.baseUrl}/slack/events`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlackRequest(this.signingSecret, timestamp, body),
      },
    });
  }

  private slackbotSays(user: string, text: string): void {
    this.add({ user: SLACKBOT, text, visibleTo: user });
  }

  /** `/command text` as typed in the composer. */
  async command(user: string, typed: string): Promise<void> {
    const person = this.person(user);
    const match = /^\s*(\/[\w-]+)\s*([\s\S]*)$/.exec(typed);
    if (!match) throw new StandInError('a slash command starts with /, e.g. /gpu-memory 70b fp16');
    const [, command, text] = match as unknown as [string, string, string];
    this.add({ user, text: typed.trim(), visibleTo: user, command: true });
    if (!this.commands.has(command)) {
      this.slackbotSays(
        user,
        `${command} is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`,
      );
      return;
    }
    const response = await this.send(
      stringify({
        token: 'playground',
        team_id: TEAM.id,
        team_domain: TEAM.domain,
        channel_id: CHANNEL.id,
        channel_name: CHANNEL.name,
        user_id: user,
        user_name: person.name,
        command,
        text: text.trim(),
        api_app_id: 'A0PLAYGRND',
        response_url: this.responseUrl({ user }),
        trigger_id: this.trigger(user),
      }),
    );
    await this.acknowledged(user, command, response);
  }

  /** The app's acknowledgement: an empty 200, or a message in its body (ephemeral unless it says in_channel). */
  private async acknowledged(user: string, what: string, response: Response): Promise<string> {
    const body = await response.text();
    if (response.status !== 200) {
      this.slackbotSays(user, `${what} failed with the error "dispatch_failed" (the app answered HTTP ${response.status})`);
      return '';
    }
    if (body && (response.headers.get('content-type') ?? '').includes('json')) {
      const reply = JSON.parse(body) as { response_type?: string; text?: string; blocks?: Block[] };
      if (reply.text !== undefined || reply.blocks) this.post(user, reply, undefined);
    }
    return body;
  }

  /** A click on a button of a message (its confirm dialog, if any, already accepted on the page). */
  async click(user: string, ts: string, blockId: string, actionId: string): Promise<void> {
    const person = this.person(user);
    const message = this.visibleTo(user).find((m) => m.ts === ts);
    if (!message) throw new StandInError(`no message ${ts} that ${person.name} can see`);
    const block = message.blocks?.find((b) => b.block_id === blockId);
    const button = buttonsIn(block).find((e) => e.action_id === actionId);
    if (!block || !button) throw new StandInError(`no button ${actionId} in block ${blockId}`);
    const ephemeral = Boolean(message.visibleTo);
    const payload = {
      type: 'block_actions',
      api_app_id: 'A0PLAYGRND',
      token: 'playground',
      trigger_id: this.trigger(user),
      user: { id: user, username: person.name, name: person.name, team_id: TEAM.id },
      team: TEAM,
      channel: CHANNEL,
      container: { type: 'message', message_ts: ts, channel_id: CHANNEL.id, is_ephemeral: ephemeral },
      // Slack sends the message along only when it is not ephemeral
      ...(ephemeral ? {} : { message: { type: 'message', user: message.user, ts, text: message.text, blocks: message.blocks } }),
      response_url: this.responseUrl({ user, sourceTs: ts }),
      actions: [{ ...button, block_id: blockId, action_ts: this.nextTs() }],
    };
    await this.acknowledged(user, 'The button', await this.send(stringify({ payload: JSON.stringify(payload) })));
  }

  /** A modal submitted with the values of its inputs; the app may answer with errors, which keep it open. */
  async submit(user: string, viewId: string, values: Record<string, Record<string, string>>): Promise<void> {
    const person = this.person(user);
    const open = this.views.get(viewId);
    if (!open || open.user !== user) throw new StandInError(`no open modal ${viewId} for ${person.name}`);
    const stateValues = Object.fromEntries(
      Object.entries(values).map(([blockId, actions]) => [
        blockId,
        Object.fromEntries(Object.entries(actions).map(([actionId, value]) => [actionId, { type: 'plain_text_input', value }])),
      ]),
    );
    const payload = {
      type: 'view_submission',
      api_app_id: 'A0PLAYGRND',
      token: 'playground',
      trigger_id: this.trigger(user),
      user: { id: user, username: person.name, name: person.name, team_id: TEAM.id },
      team: TEAM,
      view: { ...open.view, id: viewId, state: { values: stateValues }, hash: viewId },
    };
    const response = await this.send(stringify({ payload: JSON.stringify(payload) }));
    const body = response.status === 200 ? await response.text() : '';
    const answer = body ? (JSON.parse(body) as { response_action?: string; errors?: Record<string, string> }) : {};
    if (response.status !== 200) {
      open.errors = { '': `The app answered HTTP ${response.status}; the modal stays open.` };
    } else if (answer.response_action === 'errors' && answer.errors) {
      open.errors = answer.errors;
    } else {
      this.views.delete(viewId);
    }
    this.changed();
  }

  closeView(user: string, viewId: string): void {
    if (this.views.get(viewId)?.user === user) this.views.delete(viewId);
    this.changed();
  }

  /** A message from the bot as Slack would show it: new, or in place of the clicked one. */
  private post(
    user: string,
    reply: { response_type?: string; replace_original?: boolean; delete_original?: boolean; text?: string; blocks?: Block[] },
    sourceTs: string | undefined,
  ): void {
    const source = sourceTs ? this.messages.find((m) => m.ts === sourceTs) : undefined;
    if (source && reply.delete_original) {
      this.messages.splice(this.messages.indexOf(source), 1);
      this.changed();
      return;
    }
    if (source && reply.replace_original) {
      Object.assign(source, { text: reply.text ?? '', blocks: reply.blocks });
      this.changed();
      return;
    }
    this.add({
      user: BOT.botUserId,
      text: reply.text ?? '',
      ...(reply.blocks ? { blocks: reply.blocks } : {}),
      ...(reply.response_type === 'in_channel' ? {} : { visibleTo: user }),
    });
  }

  /** A POST to a response_url. */
  respond(token: string, body: Record<string, unknown>): { status: number; body: string } {
    const target = this.responseUrls.get(token);
    if (!target || Date.now() - target.at > RESPONSE_URL_MS) return { status: 404, body: 'expired_url' };
    if (target.uses >= RESPONSE_URL_USES) return { status: 404, body: 'used_url' };
    target.uses++;
    const blocks = blocksOf(body.blocks);
    if (blocks && blocks.length > MAX_BLOCKS) return { status: 400, body: 'invalid_blocks' };
    this.post(target.user, { ...body, ...(blocks ? { blocks } : {}) } as Parameters<SlackStandIn['post']>[1], target.sourceTs);
    return { status: 200, body: 'ok' };
  }

  /** One Web API method, with its arguments as the WebClient sends them (form fields, objects as JSON). */
  api(method: string, args: Record<string, unknown>): ApiAnswer {
    const channelOk = (channel: unknown) => channel === CHANNEL.id || channel === CHANNEL.name || channel === `#${CHANNEL.name}`;
    const blocks = blocksOf(args.blocks);
    if (blocks && blocks.length > MAX_BLOCKS)
      return { ok: false, error: 'invalid_blocks', errors: [`must provide at most ${MAX_BLOCKS} items [json-pointer:/blocks]`] };
    const content = { text: String(args.text ?? ''), ...(blocks ? { blocks } : {}) };
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `${this.baseUrl}/`,
          team: 'burnrate playground',
          user: BOT.name,
          team_id: TEAM.id,
          user_id: BOT.botUserId,
          bot_id: BOT.botId,
        };
      case 'chat.postMessage': {
        if (!channelOk(args.channel)) return { ok: false, error: 'channel_not_found' };
        const message = this.add({ user: BOT.botUserId, ...content });
        return { ok: true, channel: CHANNEL.id, ts: message.ts, message: { ...message, type: 'message' } };
      }
      case 'chat.postEphemeral': {
        if (!channelOk(args.channel)) return { ok: false, error: 'channel_not_found' };
        if (!PEOPLE.some((p) => p.id === args.user)) return { ok: false, error: 'user_not_in_channel' };
        return { ok: true, message_ts: this.add({ user: BOT.botUserId, ...content, visibleTo: String(args.user) }).ts };
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.ts === args.ts && !m.visibleTo);
        if (!channelOk(args.channel)) return { ok: false, error: 'channel_not_found' };
        if (!message) return { ok: false, error: 'message_not_found' };
        if (message.user !== BOT.botUserId) return { ok: false, error: 'cant_update_message' };
        Object.assign(message, content);
        this.changed();
        return { ok: true, channel: CHANNEL.id, ts: message.ts, text: message.text };
      }
      case 'views.open': {
        const trigger = this.triggers.get(String(args.trigger_id));
        if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
        if (Date.now() - trigger.at > TRIGGER_MS) return { ok: false, error: 'expired_trigger_id' };
        this.triggers.delete(String(args.trigger_id));
        const view =
          typeof args.view === 'string' ? (JSON.parse(args.view) as Record<string, unknown>) : (args.view as Record<string, unknown>);
        const id = `V${randomBytes(5).toString('hex').toUpperCase()}`;
        this.views.set(id, { id, user: trigger.user, view });
        this.changed();
        return { ok: true, view: { ...view, id } };
      }
      case 'usergroups.users.list':
        return { ok: false, error: 'no_such_subteam' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** The error a page request gets when it names what does not exist. */
export class StandInError extends Error {
  override name = 'StandInError';
}

/** blocks as the WebClient sends them (a JSON string in a form field) or as JSON bodies carry them. */
function blocksOf(value: unknown): Block[] | undefined {
  if (value === undefined) return undefined;
  const blocks = (typeof value === 'string' ? JSON.parse(value) : value) as Block[];
  // Slack gives a block without a block_id one of its own, and clicks name the block by it
  return blocks.map((block) => (block.block_id ? block : { ...block, block_id: randomBytes(3).toString('hex') }));
}

/** A Web API request's arguments, form-encoded or JSON. */
export function apiArguments(contentType: string, raw: string): Record<string, unknown> {
  if (!raw) return {};
  return contentType.includes('json') ? (JSON.parse(raw) as Record<string, unknown>) : (parse(raw) as Record<string, unknown>);
}
