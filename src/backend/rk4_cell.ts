/**
 * Cell-aware RK4 on the layers of ẋ = W relu(A x + b) (docs/algorithms/flow.md, "cell kernel"):
 * kernel assembly/rk4_cell.ts, twin src/kernels/rk4_cell.ts (bit-identical, step counts included).
 */
import { rk4CellLayerJS } from '../kernels/rk4_cell.js';
import { layerStepsPair } from './layers.js';

export const rk4CellLayers = layerStepsPair('rk4CellLayers', rk4CellLayerJS, 'rk4CellLayer', 'rk4CellScratchBytes');
