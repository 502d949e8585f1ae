/** Rows as lines of left-aligned, space-padded columns (for terminals and Slack code blocks). */
export function padTable(rows: string[][]): string[] {
  if (!rows.length) return [];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
}
