export declare const FUNCTIONS: Record<string, { entry: string }>;
export declare function buildLambdas(): Promise<Record<string, { bytes: number; largest: [string, number][] }>>;
