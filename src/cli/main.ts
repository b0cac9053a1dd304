/**
 * The `flowsteer` command. One subcommand a file in ./commands/; `npm start` runs `demo`.
 */
import { FlowsteerError, init } from '../index.js';
import { parseArgs } from './args.js';
import type { Command } from './command.js';
import { demoCommand } from './commands/demo.js';
import { classifyCommand } from './commands/classify.js';
import { interpolateCommand } from './commands/interpolate.js';
import { transportCommand } from './commands/transport.js';
import { shallowCommand } from './commands/shallow.js';

const commands: Command[] = [demoCommand, classifyCommand, transportCommand, interpolateCommand, shallowCommand];

function help(): string {
  return [
    'flowsteer — constructive control of neural ODEs and attention dynamics',
    '',
    'usage: flowsteer <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(14)} ${c.summary}`),
    '',
    'flowsteer <command> --help   shows the options of a command',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help' || name === '-h') {
    console.log(help());
    return name ? 0 : 1;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    console.error(`flowsteer: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  const args = parseArgs(rest);
  if (args.options.has('help')) {
    console.log(`usage: flowsteer ${cmd.usage}\n\n${cmd.summary}`);
    return 0;
  }
  await init({ backend: args.options.get('backend') === 'js' ? 'js' : 'auto' });
  try {
    await cmd.run(args);
    return 0;
  } catch (e) {
    if (e instanceof FlowsteerError) {
      console.error(`flowsteer ${name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
