/** What every demo section gets: options, output folder, and a way to print. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoContext {
  outDir: string;
  seed: number;
  /** Fewer points / smaller sizes, for a quick run (`flowsteer demo --quick`). */
  quick: boolean;
  log(line?: string): void;
  /** Writes a file under outDir and returns its path. */
  write(name: string, content: string): string;
}

export function makeDemoContext(outDir: string, seed: number, quick: boolean): DemoContext {
  mkdirSync(outDir, { recursive: true });
  return {
    outDir,
    seed,
    quick,
    log: (line = '') => console.log(line),
    write(name, content) {
      const path = join(outDir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}

export interface DemoSection {
  name: string;
  run(ctx: DemoContext): Promise<void>;
}
