// Local mode: with no Slack credentials, `npm start` serves the playground on 127.0.0.1:PORT. The
// same Bolt app and handlers as in Slack, on the demo cloud account (its simulated control plane)
// and the SQLite state file, talking to the Slack stand-in through SLACK_API_URL; the page that
// plays the channel; and what it takes to move to a real workspace.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import getRawBody from 'raw-body';
import { CONFIG_DIR } from '../catalogs/yamlFile.ts';
import { hasAwsCredentials, withoutCloudCredentials } from '../clouds/credentials.ts';
import { commandContext, slackAppParts } from '../runtime/botParts.ts';
import { startHttpServer } from '../runtime/httpServer.ts';
import type { Settings } from '../runtime/settings.ts';
import { log } from '../slack/app.ts';
import { manifestYaml, slashCommands } from '../slack/manifest.ts';
import { MAX_BODY_BYTES } from '../slack/requestSignature.ts';
import { openStateStore } from '../state/openStateStore.ts';
import { apiArguments, BOT, CHANNEL, PEOPLE, SlackStandIn, StandInError } from './slackStandIn.ts';

export interface SetupItem {
  name: string;
  set: boolean;
  what: string;
}

/** What a real workspace needs, and which of it this environment has. */
export function setupChecklist(settings: Settings, env: NodeJS.ProcessEnv): SetupItem[] {
  const { file } = settings;
  return [
    {
      name: 'SLACK_BOT_TOKEN',
      set: Boolean(env.SLACK_BOT_TOKEN),
      what: "the app's xoxb- token (OAuth & Permissions, after installing it)",
    },
    {
      name: 'SLACK_SIGNING_SECRET',
      set: Boolean(env.SLACK_SIGNING_SECRET),
      what: 'for HTTP mode (Basic Information → App Credentials); Slack then posts to `/slack/events` on PORT',
    },
    {
      name: 'SLACK_APP_TOKEN',
      set: Boolean(env.SLACK_APP_TOKEN),
      what: 'or Socket Mode, with no public URL: an xapp- token with `connections:write`',
    },
    {
      name: 'AWS credentials',
      set: hasAwsCredentials(env),
      what: '`AWS_PROFILE` or `AWS_ACCESS_KEY_ID`: Cost Explorer, CloudWatch and Stop on your account (the playground stays on the demo account)',
    },
    {
      name: 'AWS_REGION or digest.regions',
      set: Boolean(env.AWS_REGION || env.AWS_DEFAULT_REGION || file.digest.regions?.length),
      what: 'the regions of your GPU instances and endpoints',
    },
    {
      name: 'GOOGLE_APPLICATION_CREDENTIALS',
      set: Boolean(env.GOOGLE_APPLICATION_CREDENTIALS && file.digest.gcp_billing_table),
      what: 'with `digest.gcp_billing_table`, for the GCP billing export',
    },
    {
      name: 'config file',
      set: settings.configPath !== null,
      what: `${settings.configPath ?? 'config/burnrate.yaml (or BURNRATE_CONFIG)'}: copy config/burnrate.example.yaml`,
    },
    {
      name: 'approvals.approvers',
      set: file.approvals.approvers.length + file.approvals.approver_groups.length > 0,
      what: 'the Slack user or group IDs who may press Stop; then `approvals.dry_run: false`',
    },
    {
      name: 'digest.channel and scan.channel',
      set: Boolean(file.digest.channel && file.scan.channel),
      what: 'where the weekly digest and the daily scan post on their schedules',
    },
  ];
}

/**
 * The settings with no cloud account in them: catalog prices, no accounts, the SQLite file; and
 * approvals under which the approver persona may Stop, for real, on the demo cloud.
 */
function playgroundSettings(settings: Settings, apiUrl: string): Settings {
  const { stateTable: _dynamo, ...rest } = settings;
  return {
    ...rest,
    slackApiUrl: apiUrl,
    livePrices: { ...settings.livePrices, aws: false, gcp: false },
    file: {
      ...settings.file,
      accounts: [],
      approvals: {
        ...settings.file.approvals,
        approvers: PEOPLE.filter((p) => p.approver).map((p) => p.id),
        approver_groups: [],
        dry_run: false,
      },
    },
  };
}

class BadRequest extends Error {}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await getRawBody(req, { limit: MAX_BODY_BYTES })).toString('utf8');
  let parsed: unknown = {};
  try {
    if (raw) parsed = JSON.parse(raw);
  } catch (error) {
    throw new BadRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadRequest('the body must be a JSON object');
  return parsed as Record<string, unknown>;
}

const text = (value: unknown, name: string) => {
  if (typeof value !== 'string' || !value) throw new BadRequest(`${name} is missing`);
  return value;
};

const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') =>
  res
    .writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
    .end(type === 'application/json' ? JSON.stringify(body) : String(body));

/** The page, its script, its state and events, the page's moves, the Web API and response_url. */
export function playgroundRoutes(standIn: SlackStandIn, info: Record<string, unknown>) {
  // the checkout or package this runs from, where config/ is: the page's sources live under src/local/web
  const root = dirname(CONFIG_DIR);
  let script: Promise<string> | undefined;
  const bundle = () =>
    (script ??= import('esbuild')
      .then(async ({ build }) => {
        const built = await build({
          entryPoints: [join(root, 'src/local/web/page.ts')],
          bundle: true,
          write: false,
          format: 'esm',
          platform: 'browser',
          target: 'es2022',
          logLevel: 'silent',
        });
        return built.outputFiles[0]!.text;
      })
      .catch((error: unknown) => {
        script = undefined;
        throw error;
      }));
  const streams = new Set<ServerResponse>();
  let pending = false;
  standIn.onChange(() => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      for (const stream of streams) stream.write('event: change\ndata: {}\n\n');
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /') {
      send(res, 200, readFileSync(join(root, 'src/local/web/index.html'), 'utf8'), 'text/html; charset=utf-8');
    } else if (route === 'GET /playground.js') {
      send(res, 200, await bundle(), 'text/javascript; charset=utf-8');
    } else if (route === 'GET /playground/info') {
      send(res, 200, info);
    } else if (route === 'GET /playground/state') {
      const user = standIn.person(url.searchParams.get('user') ?? '').id;
      const view = standIn.viewOf(user);
      send(res, 200, { messages: standIn.visibleTo(user), ...(view ? { view } : {}) });
    } else if (route === 'GET /playground/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
    } else if (route === 'POST /playground/command') {
      const body = await jsonBody(req);
      await standIn.command(text(body.user, 'user'), text(body.text, 'text'));
      send(res, 200, { ok: true });
    } else if (route === 'POST /playground/click') {
      const body = await jsonBody(req);
      await standIn.click(text(body.user, 'user'), text(body.ts, 'ts'), text(body.blockId, 'blockId'), text(body.actionId, 'actionId'));
      send(res, 200, { ok: true });
    } else if (route === 'POST /playground/submit') {
      const body = await jsonBody(req);
      await standIn.submit(
        text(body.user, 'user'),
        text(body.viewId, 'viewId'),
        (body.values ?? {}) as Record<string, Record<string, string>>,
      );
      send(res, 200, { ok: true });
    } else if (route === 'POST /playground/close') {
      const body = await jsonBody(req);
      standIn.closeView(text(body.user, 'user'), text(body.viewId, 'viewId'));
      send(res, 200, { ok: true });
    } else if (req.method === 'POST' && url.pathname.startsWith('/playground/response/')) {
      const answer = standIn.respond(url.pathname.slice('/playground/response/'.length), await jsonBody(req));
      send(res, answer.status, answer.body, 'text/plain');
    } else if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      const raw = (await getRawBody(req, { limit: MAX_BODY_BYTES })).toString('utf8');
      let answer: Record<string, unknown>;
      try {
        answer = standIn.api(url.pathname.slice('/api/'.length), apiArguments(req.headers['content-type'] ?? '', raw));
      } catch (error) {
        // Slack answers arguments it cannot read with ok: false, as it does every API error
        if (!(error instanceof SyntaxError)) throw error;
        answer = { ok: false, error: 'invalid_arguments', response_metadata: { messages: [`[ERROR] ${error.message}`] } };
      }
      send(res, 200, answer);
    } else {
      return false;
    }
    return true;
  };

  return {
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      try {
        return await handle(req, res);
      } catch (error) {
        const known = error instanceof BadRequest || error instanceof StandInError;
        if (!known) log('error', { playground: req.url, error: (error as Error).message, stack: (error as Error).stack });
        if (!res.headersSent) send(res, known ? 400 : 500, { error: (error as Error).message });
        return true;
      }
    },
    /** ends the event streams, so the server can close at once */
    close(): void {
      for (const stream of streams) stream.end();
      streams.clear();
    },
  };
}

/** Starts local mode; returns what stops it. */
export async function startPlayground(
  settings: Settings,
  port: number,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<() => Promise<void>> {
  const started = Date.now();
  const base = `http://127.0.0.1:${port}`;
  const signingSecret = randomBytes(16).toString('hex');
  const standIn = new SlackStandIn(base, signingSecret);
  const local = playgroundSettings(settings, `${base}/api/`);
  const demoEnv = withoutCloudCredentials(env);
  const state = await openStateStore(local);
  const context = commandContext(local, demoEnv);
  const routes = playgroundRoutes(standIn, {
    people: PEOPLE,
    bot: { id: BOT.botUserId, name: BOT.name },
    channel: CHANNEL.name,
    commands: slashCommands().map(({ command, description, usage_hint }) => ({ command, description, usage_hint })),
    setup: setupChecklist(settings, env),
    manifest: manifestYaml(),
  });
  // loopback only: the page acts as any user, approvers included
  const server = await startHttpServer({
    ...slackAppParts(local, demoEnv, state, context),
    token: 'xoxb-playground',
    port,
    host: '127.0.0.1',
    signingSecret,
    bot: { botId: BOT.botId, botUserId: BOT.botUserId },
    routes: (req, res) => routes.handle(req, res),
  }).catch(async (error: unknown) => {
    await state.close();
    await context.livePrices.close();
    throw error;
  });
  log('info', { started: 'playground', port, ms: Date.now() - started });
  out(`burnrate playground: http://localhost:${port}

No Slack credentials are set, so burnrate runs locally: the same app on the demo cloud account, with
a stand-in for Slack in your browser. Nothing leaves this machine. The page lists what a real
workspace needs; the commands also work in a terminal (npx burnrate gpu-memory 70b fp16).`);
  return async () => {
    routes.close();
    await server.close();
    await state.close();
    await context.livePrices.close();
  };
}
