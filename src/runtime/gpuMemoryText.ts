// /gpu-memory for a terminal.
import type { GpuMemoryResult } from '../../commands/gpuMemory.ts';
import { breakdownRows, FIT_HEADER, fitRows, headerLine, priceFootnote } from '../present/gpuMemoryView.ts';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

export function renderGpuMemoryText(r: GpuMemoryResult): string {
  return [
    r.summary,
    '',
    headerLine(r),
    '',
    table(breakdownRows(r).map(([k, v]) => [`  ${k}`, v])),
    '',
    table([[...FIT_HEADER], ...fitRows(r)]),
    '',
    'Assumptions:',
    ...r.assumptions.map((a) => `  - ${a}`),
    '',
    'How it was computed:',
    ...r.method.map((m) => `  - ${m}`),
    '',
    priceFootnote(r),
  ].join('\n');
}
