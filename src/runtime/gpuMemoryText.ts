// /gpu-memory for a terminal.
import type { GpuMemoryResult } from '../../commands/gpuMemory.ts';
import { breakdownRows, computeNoteLines, FIT_HEADER, fitRows, headerLine, priceFootnote } from '../present/gpuMemoryView.ts';
import { padTable } from '../present/table.ts';

const table = (rows: string[][]): string => padTable(rows).join('\n');

export function renderGpuMemoryText(r: GpuMemoryResult): string {
  return [
    r.summary,
    ...r.warnings,
    '',
    headerLine(r),
    '',
    table(breakdownRows(r).map(([k, v]) => [`  ${k}`, v])),
    '',
    table([[...FIT_HEADER], ...fitRows(r)]),
    ...computeNoteLines(r),
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
