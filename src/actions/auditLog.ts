// Reading the audit log back: `/finops audit [7d]` in Slack and `burnrate audit [--since 7d] [--json]`.
import type { AuditEntry, StateStore } from '../state/stateStore.ts';

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
export const DEFAULT_AUDIT_WINDOW = '7d';

/** "7d", "24h", "2w" as milliseconds; undefined when it is none of those. */
export function parseAuditWindow(text: string): number | undefined {
  const match = /^(\d{1,4})([hdw])$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

export const AUDIT_WINDOW_HELP = 'a window such as 24h, 7d or 2w';

export async function readAudit(state: StateStore, windowMs: number, limit: number, nowMs = Date.now()): Promise<AuditEntry[]> {
  return state.audit(nowMs - windowMs, limit);
}

/** One line per entry: when, who, what happened to which resource. */
export function auditLine(entry: AuditEntry, mention: (user: string) => string = (u) => u): string {
  const when = new Date(entry.at).toISOString().slice(0, 19).replace('T', ' ');
  const actor = /^[UW][A-Z0-9]+$/.test(entry.actor) ? mention(entry.actor) : entry.actor;
  const requestId = typeof entry.detail?.requestId === 'string' ? ` (request ${entry.detail.requestId})` : '';
  return `${when} UTC  ${actor}  ${entry.event}${entry.resource ? `  ${entry.resource}` : ''}: ${entry.outcome}${requestId}`;
}
