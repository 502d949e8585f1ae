// What every AWS client that reads for a report is given: a time limit per request, so a service
// that accepts the connection and never answers becomes a note ("timed out") instead of a report
// that never comes. The SDK retries a timed-out request like any transient failure.

/** One AWS read request's limit unless BURNRATE_AWS_TIMEOUT_MS says otherwise, ms. */
export const DEFAULT_AWS_TIMEOUT_MS = 30_000;

const TIMEOUT_RANGE = { min: 100, max: 600_000 };

/** BURNRATE_AWS_TIMEOUT_MS as a number, or what is wrong with it. */
export function awsTimeoutMs(env: NodeJS.ProcessEnv): number | { error: string } {
  const text = env.BURNRATE_AWS_TIMEOUT_MS;
  if (text === undefined || text === '') return DEFAULT_AWS_TIMEOUT_MS;
  const ms = Number(text);
  if (!/^\d+$/.test(text) || ms < TIMEOUT_RANGE.min || ms > TIMEOUT_RANGE.max) {
    return {
      error: `BURNRATE_AWS_TIMEOUT_MS must be a whole number of milliseconds from ${TIMEOUT_RANGE.min} to ${TIMEOUT_RANGE.max}, e.g. 30000; got "${text}"`,
    };
  }
  return ms;
}

/** A read client's configuration: `config` with the per-request time limit (settings checked it at start). */
export function awsReadConfig<T extends object>(env: NodeJS.ProcessEnv, config: T) {
  const ms = awsTimeoutMs(env);
  return {
    ...config,
    requestHandler: { requestTimeout: typeof ms === 'number' ? ms : DEFAULT_AWS_TIMEOUT_MS, throwOnRequestTimeout: true },
  };
}
