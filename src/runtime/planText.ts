// A planning calculator's result for a terminal.
import type { PlanResult } from '../../commands/planResult.ts';
import { padTable } from '../present/table.ts';

export function renderPlanText(r: PlanResult): string {
  const lines = [r.summary, '', ...padTable(r.rows.map(([k, v]) => [`  ${k}`, v]))];
  for (const table of r.tables) lines.push('', `${table.title}:`, ...padTable([table.header, ...table.rows]).map((l) => `  ${l}`));
  if (r.assumptions.length) lines.push('', `${r.notesTitle ?? 'Assumptions'}:`, ...r.assumptions.map((a) => `  - ${a}`));
  if (r.method.length) lines.push('', 'How it was computed:', ...r.method.map((m) => `  - ${m}`));
  if (r.prices) lines.push('', r.prices);
  return lines.join('\n');
}
