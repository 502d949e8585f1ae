// A cloud read that failed, said in one line: which API and the error code the service (or the
// network) gave, never the SDK's multi-line dump. Programming errors stay errors.
import { CostSourceError } from './costSource.ts';

/** Programming errors, as opposed to a service, region or network that would not answer. */
export const isBug = (error: unknown): boolean =>
  error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError;

/** gRPC status codes by number, as Google's clients give them over gRPC and REST alike. */
const GRPC_CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** Error names that say nothing about what the service answered. */
const GENERIC_NAMES = new Set(['Error', 'SyntaxError', 'Unknown', 'UnknownError', 'FetchError', 'GaxiosError']);

interface CloudError {
  name?: string;
  code?: string | number;
  status?: string | number;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
  response?: { status?: number };
}

/**
 * The error's code as the service or the network gave it: "ThrottlingException (HTTP 400)",
 * "HTTP 500", "timed out", "ECONNREFUSED"; Google's gRPC and REST codes alike.
 */
export function failureCode(error: unknown): string {
  const e = (error ?? {}) as CloudError;
  if (e.name === 'TimeoutError' || e.code === 'ETIMEDOUT' || e.name === 'AbortError') return 'timed out';
  const status =
    e.$metadata?.httpStatusCode ??
    e.$response?.statusCode ??
    e.response?.status ??
    (typeof e.code === 'number' && e.code >= 400 ? e.code : undefined);
  const name = e.name && /^[A-Za-z][\w.]{0,79}$/.test(e.name) && !GENERIC_NAMES.has(e.name) ? e.name : undefined;
  const code =
    typeof e.code === 'string' && /^[A-Z][A-Z_]{2,40}$/.test(e.code)
      ? e.code
      : typeof e.code === 'number' && e.code > 0 && e.code < GRPC_CODES.length
        ? GRPC_CODES[e.code]
        : undefined;
  const parts = [
    name ?? code ?? (typeof e.status === 'string' && /^[A-Z_]{3,40}$/.test(e.status) ? e.status : undefined),
    status ? `HTTP ${status}` : undefined,
  ].filter((p): p is string => Boolean(p));
  if (parts.length === 2) return `${parts[0]} (${parts[1]})`;
  if (parts.length === 1) return parts[0]!;
  // nothing coded: the message's first line, short
  const message = firstLine(error);
  return message.length > 80 ? `${message.slice(0, 79)}…` : message || 'unknown error';
}

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();

/** Why a read failed, in one line: an explained failure as it was explained, any other by its code. */
export const failureReason = (error: unknown, api: string): string =>
  error instanceof CostSourceError ? error.message : `${api} failed (${failureCode(error)})`;

/**
 * A read's failure as a CostSourceError naming the API ("SageMaker ListApps") and the code, so
 * whoever gathers a report turns it into a note; an explained failure is returned as it is, and a
 * bug is thrown.
 */
export function asReadFailure(error: unknown, api: string): CostSourceError {
  if (isBug(error)) throw error;
  return error instanceof CostSourceError ? error : new CostSourceError(failureReason(error, api), { cause: error });
}

/** Throws a read's failure as asReadFailure words it. */
export function readFailed(error: unknown, api: string): never {
  throw asReadFailure(error, api);
}

/** A failed call as a person reads it, in one line: an explained failure as explained, else its name and the message's first line. */
export function failureDetail(error: unknown): string {
  if (error instanceof CostSourceError) return error.message;
  return `${error instanceof Error ? error.name : 'Error'}: ${firstLine(error)}`;
}
