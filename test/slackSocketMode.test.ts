// Socket Mode as `npm start` runs it with SLACK_APP_TOKEN: the connection is opened through
// apps.connections.open on SLACK_API_URL, and commands, clicks and events arrive as envelopes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeGpuMemory } from '../commands/gpuMemory.ts';
import { startBot } from '../src/runtime/server.ts';
import { offlineContext } from './support/context.ts';
import { type FakeSlack, startFakeSlack } from './support/fakeSlack.ts';
import { type FakeSocketMode, startFakeSocketMode } from './support/fakeSocketMode.ts';

let slack: FakeSlack;
let socket: FakeSocketMode;
let stop: () => Promise<void>;

beforeAll(async () => {
  slack = await startFakeSlack();
  socket = await startFakeSocketMode();
  slack.answer('apps.connections.open', { ok: true, url: socket.url });
  const outcome = await startBot(
    {
      SLACK_BOT_TOKEN: 'xoxb-socket',
      SLACK_APP_TOKEN: 'xapp-1-A1-socket',
      SLACK_API_URL: slack.apiUrl,
      BURNRATE_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'burnrate-socket-')), 'state.sqlite'),
      HF_ENDPOINT: 'http://127.0.0.1:9',
    },
    () => {},
    () => {},
  );
  if (typeof outcome === 'number') throw new Error(`startBot exited with ${outcome}`);
  stop = outcome;
});
afterAll(async () => {
  await stop?.();
  await socket.close();
  await slack.close();
});

const slashCommand = (command: string, text: string, responseUrl: string) => ({
  token: 'deprecated',
  team_id: 'T1',
  team_domain: 'acme',
  channel_id: 'C1',
  channel_name: 'ml-platform',
  user_id: 'U1',
  user_name: 'ada',
  command,
  text,
  api_app_id: 'A1',
  response_url: responseUrl,
  trigger_id: '1.2.3',
  is_enterprise_install: 'false',
});

describe('Socket Mode', () => {
  it('opens the connection with the app-level token through SLACK_API_URL', () => {
    const open = slack.calls.find((c) => c.path === '/api/apps.connections.open');
    expect(open?.headers.authorization).toBe('Bearer xapp-1-A1-socket');
  });

  it('answers a slash command in the envelope acknowledgement', async () => {
    const ack = await socket.send('slash_commands', slashCommand('/gpu-memory', '70b fp16', `${slack.url}/respond/s1`));
    const expected = await computeGpuMemory('70b fp16', offlineContext());
    expect(ack.envelope_id).toBe('env-1');
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: expected.summary });
  });

  it('answers bad input with the usage, only to the caller', async () => {
    const ack = await socket.send('slash_commands', slashCommand('/gpu-memory', '70b fp16 ctx=-3', `${slack.url}/respond/s2`));
    expect(ack.payload?.response_type).toBe('ephemeral');
    expect(JSON.stringify(ack.payload)).toMatch(/Usage: `\/gpu-memory/);
  });

  it('takes a Share click as an interactive envelope and posts the answer to the channel', async () => {
    const answer = await socket.send('slash_commands', slashCommand('/gpu-memory', '8b bf16', `${slack.url}/respond/s3`));
    const button = (answer.payload!.blocks as { type: string; elements: { action_id: string; value: string }[] }[]).at(-1)!.elements[0]!;
    const click = await socket.send('interactive', {
      type: 'block_actions',
      api_app_id: 'A1',
      token: 'deprecated',
      trigger_id: '4.5.6',
      user: { id: 'U2', username: 'grace', name: 'grace', team_id: 'T1' },
      team: { id: 'T1', domain: 'acme' },
      container: { type: 'message', message_ts: '1.2', channel_id: 'C1', is_ephemeral: true },
      channel: { id: 'C1', name: 'ml-platform' },
      response_url: `${slack.url}/respond/s3-share`,
      actions: [
        {
          action_id: button.action_id,
          value: button.value,
          block_id: 'b1',
          type: 'button',
          text: { type: 'plain_text', text: 'Share in channel' },
          action_ts: '1.3',
        },
      ],
    });
    expect(click.envelope_id).toMatch(/^env-/);
    const shared = await slack.waitFor((c) => c.path === '/respond/s3-share');
    expect(shared.body).toMatchObject({ response_type: 'in_channel', text: answer.payload!.text });
  });

  it('replies to a mention in its thread with the bot token', async () => {
    await socket.send('events_api', {
      token: 'x',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: 'Ev0SOCKET1',
      event_time: 1,
      event: { type: 'app_mention', user: 'U1', text: '<@UBOT> hi', ts: '1700000000.000900', channel: 'C7', event_ts: '1700000000.000900' },
    });
    const reply = await slack.waitFor((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C7');
    expect(reply.body.thread_ts).toBe('1700000000.000900');
    expect(reply.headers.authorization).toBe('Bearer xoxb-socket');
  });
});
