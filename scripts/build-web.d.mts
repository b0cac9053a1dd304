export function ensureWasm(): void;
export function ensurePackageBundles(): void;
export function buildWeb(options?: { minify?: boolean }): Promise<string>;
