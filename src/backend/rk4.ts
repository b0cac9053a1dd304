/**
 * Classical RK4 on the layers of ẋ = W relu(A x + b) (survey arXiv 2510.03303, eq. 3.3–3.4;
 * docs/algorithms/flow.md), dense: kernel assembly/rk4.ts, twin src/kernels/rk4.ts (bit-identical).
 */
import { rk4LayerJS } from '../kernels/rk4.js';
import { layerStepsPair } from './layers.js';

export const rk4Layers = layerStepsPair('rk4Layers', rk4LayerJS, 'rk4Layer', 'rk4ScratchBytes');
