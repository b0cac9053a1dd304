/** One CLI subcommand a file in src/cli/commands/, registered in src/cli/main.ts. */
import type { ParsedArgs } from './args.js';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: ParsedArgs): Promise<void>;
}
