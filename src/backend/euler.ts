/**
 * Explicit Euler on the layers of ẋ = W relu(A x + b) (docs/algorithms/flow.md): kernel
 * assembly/euler.ts, twin src/kernels/euler.ts (bit-identical).
 */
import { eulerLayerJS } from '../kernels/euler.js';
import { layerStepsPair } from './layers.js';

export const eulerLayers = layerStepsPair('eulerLayers', eulerLayerJS, 'eulerLayer', 'eulerScratchBytes');
