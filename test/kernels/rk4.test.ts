/** assembly/rk4.ts against its twin src/kernels/rk4.ts through the Pair src/backend/rk4.ts: bit for bit, trajectories included. */
import { rk4Layers } from '../../src/backend/rk4.js';
import { describeLayerPair } from './layers.js';

describeLayerPair('rk4Layers', rk4Layers, 17);
