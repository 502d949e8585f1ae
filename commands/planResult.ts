// The result every planning calculator returns: the answer in one line, every figure with its
// unit (what --json prints), and the rows, tables, assumptions and arithmetic the renderers show.

export interface Figure {
  value: number;
  /** `USD`, `USD/h`, `h`, `s`, `B`, `B/s`, `FLOP`, `%`, `count`… */
  unit: string;
}

export interface PlanTable {
  title: string;
  header: string[];
  rows: string[][];
}

/** A bar chart of a few series over the same categories (Slack draws it natively). */
export interface PlanChart {
  title: string;
  categories: string[];
  series: { name: string; values: number[] }[];
  xLabel?: string;
  yLabel?: string;
}

export interface PlanResult {
  command: string;
  input: string;
  /** the answer in one line; every rendering leads with it */
  summary: string;
  figures: Record<string, Figure>;
  /** label → value, in order */
  rows: [string, string][];
  tables: PlanTable[];
  chart?: PlanChart;
  assumptions: string[];
  /** the heading over `assumptions` when they are notes of another kind (default: Assumptions) */
  notesTitle?: string;
  /** the arithmetic, one line per step */
  method: string[];
  /** prices' as-of date and source, when prices were used */
  prices?: string;
  /** a report none of whose sources could be read: why, in one line (the CLI exits non-zero with it) */
  unavailable?: string;
}
