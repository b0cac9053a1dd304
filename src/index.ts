/**
 * flowsteer — constructive control of neural ODEs and attention dynamics.
 * Public surface; everything else is internal.
 */
export { init, backend, simdSupported, type Backend, type InitOptions } from './runtime/loader.js';
export * from './errors.js';
export { points, toRows, type PointCloud, type PointsLike, type Controls, type Layer, type LayerLike } from './types.js';
export { makeControls } from './validate.js';
export { controlsToJSON, controlsFromJSON, CONTROLS_FORMAT, type ControlsFromJSONOptions } from './json.js';
export { createRng, type Rng } from './rng.js';
export {
  flow,
  flowAsync,
  field,
  trajectoryFrames,
  DEFAULT_STEPS_PER_LAYER,
  type FlowMethod,
  type FlowOptions,
  type FlowResult,
  type Trajectory,
  type TrajectoryOptions,
  rk4KernelFor,
  type Rk4Kernel,
} from './flow/flow.js';
export type { ProgressOptions } from './flow/progress.js';
export {
  transportToUniform,
  transport,
  uniformTransportLayers,
  uniformTransportResolution,
  type TransportToUniformOptions,
  type TransportOptions,
  type UniformTransport,
  type MeasureTransport,
} from './controllers/transport.js';
export { hardmaxDynamics, hardmaxDynamicsAsync, type HardmaxOptions, type HardmaxResult, type HardmaxAlgorithm, type AttentionCluster } from './attention/hardmax.js';
export { softmaxDynamics, softmaxDynamicsAsync, type SoftmaxOptions, type SoftmaxResult, type SoftmaxAlgorithm } from './attention/softmax.js';
export { sphereDynamics, sphereDynamicsAsync, countClusters, type SphereOptions, type SphereResult, type SphereAlgorithm } from './attention/sphere.js';
export { checkEquilibrium, type EquilibriumReport } from './attention/equilibrium.js';
export type { MatrixLike } from './attention/matrix.js';
export {
  classify,
  classifySwitchBounds,
  CLASSIFY_METHODS,
  type ClassifyMethod,
  type ClassifyOptions,
  type Classification,
  type Readout,
  type PredictOptions,
} from './controllers/classify.js';
export { collinearSwitchProbability, runsDistribution } from './controllers/collinear.js';
export { approximateAutonomous, tubeField, type AutonomousOptions, type AutonomousResult } from './controllers/autonomous.js';
export { interpolate, interpolationSwitches, type InterpolateOptions, type Autonomy } from './controllers/interpolate.js';
export { describe, verify, aprioriBound, type ControlsDescription, type VerifyOptions, type VerifyResult } from './controllers/describe.js';
export { wasserstein, wasserstein1, type WassersteinOptions, type WassersteinResult, type TransportPlan } from './wasserstein/exact.js';
export { sinkhorn, sinkhornDivergence, type SinkhornOptions, type SinkhornResult, type SinkhornStatus, type SinkhornCost } from './wasserstein/sinkhorn.js';
export { wasserstein1d, type Wasserstein1dOptions, type Wasserstein1dResult, type Samples1d } from './wasserstein/oned.js';
export { slicedWasserstein, type SlicedWassersteinOptions, type SlicedWassersteinResult } from './wasserstein/sliced.js';
export { generalizationBound, type GeneralizationBound, type LabelledData, type ShallowNetwork } from './wasserstein/bound.js';
// Shallow networks (survey arXiv 2510.03303 §2): ℓ¹-minimal representation (P_ε)/(PR_ε) by column generation with a dual certificate, Thm 2.2 sweep (docs/algorithms/shallow.md)
export {
  shallowRepresent,
  shallowRepresentAsync,
  evaluateShallow,
  SHALLOW_METHODS,
  SHALLOW_PRICING,
  type ShallowMethod,
  type ShallowPricing,
  type NeuronDictionary,
  type ShallowRepresentOptions,
  type ShallowRepresentation,
  type ShallowDiagnostics,
  type ShallowStatus,
} from './shallow/represent.js';
export { initShallow } from './shallow/lp.js';
export { pricingObjective } from './shallow/pricing.js';
export {
  shallowUpperBound,
  generalizationSweep,
  generalizationSweepAsync,
  type SweepRow,
  type GeneralizationSweep,
  type GeneralizationSweepOptions,
} from './shallow/bound.js';
