// Reading the errors of the @google-cloud clients, over REST or gRPC alike.
import { CostSourceError } from '../costSource.ts';
import { readFailed } from '../readFailure.ts';

const codeOf = (error: unknown) => (error as { code?: number | string }).code;

/** PERMISSION_DENIED: HTTP 403, gRPC 7. */
export const isPermissionDenied = (error: unknown) => [403, 7, 'PERMISSION_DENIED'].includes(codeOf(error) as never);

/** NOT_FOUND: HTTP 404, gRPC 5. */
export const isNotFound = (error: unknown) => [404, 5, 'NOT_FOUND'].includes(codeOf(error) as never);

/** A failed read as a note: denied, naming the role to grant (what, in where); else the API and its error code. */
export function explainDenied(error: unknown, what: string, role: string, where: string): never {
  if (isPermissionDenied(error)) throw new CostSourceError(`GCP denied ${what} in ${where}: grant the bot's service account ${role}`);
  readFailed(error, `GCP ${what} in ${where}`);
}

/** What Google said: over REST the client's error message can be the whole JSON error body. */
export function googleMessage(error: Error): string {
  try {
    const body = JSON.parse(error.message) as { error?: { message?: string; status?: string } };
    if (body.error?.message) return `${body.error.status ?? 'error'}: ${body.error.message}`;
  } catch {
    // a plain message
  }
  return error.message;
}
