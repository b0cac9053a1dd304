/** `flowsteer demo`: the main job — runs every demo section and writes its pictures to out/. */
import { optFlag, optNumber, optString } from '../args.js';
import type { Command } from '../command.js';
import { makeDemoContext } from '../demo/context.js';
import { demoSections } from '../demo/index.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run every capability on seeded data: tables on stdout, pictures in out/',
  usage: 'demo [--out out] [--seed 1] [--quick] [--only flow,interpolate,…]',
  async run(args) {
    const ctx = makeDemoContext(optString(args, 'out', 'out')!, optNumber(args, 'seed', 1, { integer: true, min: 0 }), optFlag(args, 'quick'));
    const only = optString(args, 'only')?.split(',');
    const t0 = performance.now();
    for (const s of demoSections) {
      if (only && !only.includes(s.name)) continue;
      await s.run(ctx);
      ctx.log();
    }
    ctx.log(`demo finished in ${((performance.now() - t0) / 1000).toFixed(1)} s; pictures in ${ctx.outDir}/`);
  },
};
