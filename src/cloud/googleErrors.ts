// Reading the errors of the @google-cloud clients, over REST or gRPC alike.

const codeOf = (error: unknown) => (error as { code?: number | string }).code;

/** PERMISSION_DENIED: HTTP 403, gRPC 7. */
export const isPermissionDenied = (error: unknown) => [403, 7, 'PERMISSION_DENIED'].includes(codeOf(error) as never);

/** NOT_FOUND: HTTP 404, gRPC 5. */
export const isNotFound = (error: unknown) => [404, 5, 'NOT_FOUND'].includes(codeOf(error) as never);

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
