export declare const FUNCTIONS: Record<string, { entry: string }>;
export declare function embeddedConfigSource(dir?: string): string;
export declare function buildLambdas(outDir?: string): Promise<Record<string, { bytes: number; largest: [string, number][] }>>;
