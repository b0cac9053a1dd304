/** assembly/euler.ts against its twin src/kernels/euler.ts through the Pair src/backend/euler.ts: bit for bit, trajectories included. */
import { eulerLayers } from '../../src/backend/euler.js';
import { describeLayerPair } from './layers.js';

describeLayerPair('eulerLayers', eulerLayers, 19);
