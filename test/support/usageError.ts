import { expect } from 'vitest';
import { UsageError } from '../../commands/command.ts';

/** Awaits `answer`, which must fail with a UsageError whose message matches; returns the error. */
export async function expectUsageError(answer: Promise<unknown>, message: RegExp): Promise<UsageError> {
  const error = await answer.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).toMatch(message);
  return error as UsageError;
}
