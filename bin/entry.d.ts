export function bundleIsFresh(bundleName: string): boolean;
export function loadEntry(bundleName: string, sourcePath: string): Promise<unknown>;
