export const CSP: string;
export function serve(options: { root: string; port?: number; csp?: string; quiet?: boolean }): Promise<{ url: string; port: number; close(): Promise<void> }>;
