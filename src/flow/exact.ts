/**
 * Exact integration of one layer (placeholder signature; the event-driven solver lands next).
 */
import { FlowsteerError } from '../errors.js';
import type { Layer } from '../types.js';

export function exactLayerPoint(
  x: Float64Array, o: number, d: number, layer: Layer, p: number,
  times: Float64Array | null, out: Float64Array | null, outOffset: number, outStride: number,
): void {
  void x; void o; void d; void layer; void p; void times; void out; void outOffset; void outStride;
  throw new FlowsteerError('INVALID_ARGUMENT', "method 'exact' is not available yet");
}
