export declare const FUNCTIONS: Record<string, { entry: string }>;
export declare function embeddedConfigSource(dir?: string): string;
export interface BundleSize {
  bytes: number;
  totalBytes: number;
  largest: [string, number][];
}
export declare function describeSize(size: BundleSize): string;
export declare function buildLambdas(outDir?: string): Promise<Record<string, BundleSize>>;
