// `npm start`: the long-lived bot. HTTP when SLACK_SIGNING_SECRET is set, Socket Mode when
// SLACK_APP_TOKEN is; with no Slack credentials, the local playground on PORT.
import { createSlackApp, log } from '../slack/app.ts';
import { openStateStore } from '../state/openStateStore.ts';
import type { StateStore } from '../state/stateStore.ts';
import { commandContext, scheduledJobContext, slackAppParts, slackClient } from './botParts.ts';
import { PortUnavailable, startHttpServer } from './httpServer.ts';
import { type Schedule, startSchedules } from './scheduler.ts';
import { loadSettings, type Settings, SettingsError } from './settings.ts';

/** Returns an exit code when the process should end, or a function that stops the running bot. */
export async function startBot(
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number | (() => Promise<void>)> {
  let settings: Settings;
  try {
    settings = loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) {
      err(`burnrate: cannot start: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const { transport } = settings;
  const portUnavailable = (error: unknown) => {
    if (!(error instanceof PortUnavailable)) throw error;
    err(`burnrate: cannot start: ${error.message}`);
    return 2;
  };
  if (transport.kind === 'local') {
    const { startPlayground } = await import('../local/playground.ts');
    return startPlayground(settings, transport.port, env, out).catch(portUnavailable);
  }
  const started = Date.now();
  const state = await openStateStore(settings);
  const context = commandContext(settings, env);
  const shared = { ...slackAppParts(settings, env, state, context), token: transport.token };
  const stopSchedules = startReportSchedules(settings, state, transport.token, env);
  const stopAll = async (stopTransport: () => Promise<void>) => {
    await stopSchedules();
    await stopTransport();
    await state.close();
    await context.livePrices.close();
  };
  if (transport.kind === 'socket') {
    const app = createSlackApp({ ...shared, socketMode: { appToken: transport.appToken } });
    await app.start();
    log('info', { started: 'socket-mode', ms: Date.now() - started });
    return () =>
      stopAll(async () => {
        await app.stop();
      });
  }
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    server = await startHttpServer({ ...shared, port: transport.port, signingSecret: transport.signingSecret });
  } catch (error) {
    await stopAll(async () => {});
    return portUnavailable(error);
  }
  log('info', { started: 'http', port: transport.port, ms: Date.now() - started });
  return () => stopAll(() => server.close());
}

/** The weekly digest and the daily scan on their schedules, where a channel is configured for them. */
function startReportSchedules(settings: Settings, state: StateStore, token: string, env: NodeJS.ProcessEnv): () => Promise<void> {
  const { digest, scan } = settings.file;
  const schedules: Schedule[] = [
    ...(digest.channel ? [{ job: 'weekly-digest' as const, expression: digest.schedule, timezone: digest.timezone }] : []),
    ...(scan.channel ? [{ job: 'daily-scan' as const, expression: scan.schedule, timezone: digest.timezone }] : []),
  ];
  if (!schedules.length) return async () => {};
  for (const s of schedules) log('info', { schedule: s.job, cron: s.expression, timezone: s.timezone });
  return startSchedules(schedules, scheduledJobContext(settings, state, slackClient(settings, token), env));
}

export async function main(): Promise<void> {
  const outcome = await startBot(
    process.env,
    (line) => console.log(line),
    (line) => console.error(line),
  );
  if (typeof outcome === 'number') {
    process.exitCode = outcome;
    return;
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log('info', { stopping: signal });
      void outcome().finally(() => {
        // The server, schedules and state are closed. A Web API call still retrying (Bolt checks
        // its token at start, and retries for minutes when Slack cannot be reached) must not keep
        // a stopped bot alive: give in-flight work a moment, then exit.
        setTimeout(() => process.exit(process.exitCode ?? 0), SHUTDOWN_GRACE_MS).unref();
      });
    });
  }
}

/** How long a stopping bot waits for work already under way once its server is closed. */
export const SHUTDOWN_GRACE_MS = 2000;
