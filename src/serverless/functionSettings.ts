// Settings for a Lambda function: the bot's settings from its environment (secrets included), the
// state store (the DynamoDB table the deployment declares) and what a function must have.
import { loadSettings, type Settings, SettingsError } from '../runtime/settings.ts';
import { LazyStateStore, openStateStore } from '../state/openStateStore.ts';
import type { StateStore } from '../state/stateStore.ts';
import { lambdaEnv } from './lambdaEnv.ts';

export interface FunctionSettings {
  env: NodeJS.ProcessEnv;
  settings: Settings;
  token: string;
  signingSecret: string;
  state: StateStore;
}

export async function functionSettings(): Promise<FunctionSettings> {
  const env = await lambdaEnv();
  const settings = loadSettings(env);
  if (settings.transport.kind !== 'http') {
    throw new SettingsError(
      'a Lambda function needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (from BURNRATE_SSM_PREFIX or the environment)',
    );
  }
  if (!settings.stateTable) throw new SettingsError('a Lambda function keeps its state in DynamoDB: set BURNRATE_STATE_TABLE');
  // the deployment declares the table: no DescribeTable or CreateTable at cold start
  const state = new LazyStateStore(() => openStateStore(settings, { create: false }));
  return { env, settings, token: settings.transport.token, signingSecret: settings.transport.signingSecret, state };
}

/** Builds once per container; a failed build is retried by the next invocation. */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
}
