/**
 * Auction + exact polish: kernel assembly/auction.ts ≡ twin src/kernels/auction.ts bit for bit
 * through the pair src/backend/auction.ts (assignment, potentials, polish count, certificate),
 * on random, clustered, duplicated and integer-grid points, odd and even n, p = 1 and 2.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { auctionAssignment } from '../../src/backend/auction.js';
import { wasmRuntime } from '../../src/runtime/loader.js';
import { createRng } from '../helpers.js';
import { points } from './ot_cases.js';

describe('auction: WASM kernel ≡ TS twin', () => {
  beforeAll(() => init({ variant: 'debug' }));
  it('same assignment, potentials, polish count and certificate', () => {
    const rt = wasmRuntime('test')!;
    const rng = createRng(2024);
    for (let kind = 0; kind < 4; kind++) {
      for (const d of [1, 2, 4]) {
        const n = 31 + 20 * kind + d, p = 1 + (kind & 1);
        const x = points(rng, kind, n, d), y = points(rng, kind, n, d, 0.5);
        const args = [x, y, n, d, p, 2.5, 0.1 / n, 5] as const;
        const t = auctionAssignment.js(...args);
        const w = auctionAssignment.wasm(rt)(...args);
        expect(Array.from(w.col4row)).toEqual(Array.from(t.col4row));
        expect(Array.from(w.u)).toEqual(Array.from(t.u));
        expect(Array.from(w.v)).toEqual(Array.from(t.v));
        expect(w.augmentations).toBe(t.augmentations);
        expect(w.violation).toBe(t.violation);
        expect(w.cmax).toBe(t.cmax);
      }
    }
  });
});
