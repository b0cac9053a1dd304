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
export { hardmaxDynamics, hardmaxDynamicsAsync, type HardmaxOptions, type HardmaxResult, type HardmaxAlgorithm, type AttentionCluster } from './attention/hardmax.js';
export { softmaxDynamics, softmaxDynamicsAsync, type SoftmaxOptions, type SoftmaxResult, type SoftmaxAlgorithm } from './attention/softmax.js';
export { sphereDynamics, sphereDynamicsAsync, countClusters, type SphereOptions, type SphereResult, type SphereAlgorithm } from './attention/sphere.js';
export { checkEquilibrium, type EquilibriumReport } from './attention/equilibrium.js';
export type { MatrixLike } from './attention/matrix.js';
// attention (issue 13/15): one Trajectory for the attention dynamics, frames as PointClouds
export { trajectoryFrame, MAX_TRAJECTORY_VALUES } from './attention/trajectory.js';
export { attentionWeights } from './attention/softmax.js';
export type { AttentionMask, AttentionWeights, AttentionVariantOptions, SinkhornAttentionOptions, SinkhornAttentionReport } from './attention/variants.js';
export {
  classify,
  classifyAsync,
  classifySwitchBounds,
  CLASSIFY_METHODS,
  type ClassifyMethod,
  type ClassifyOptions,
  type ClassifyDiagnostics,
  type ClassifyBounds,
  type ClassifyVerification,
  type Classification,
  type Readout,
  type PredictOptions,
} from './controllers/classify/index.js';
export { collinearSwitchProbability, runsDistribution } from './controllers/classify/collinear.js';
export { approximateAutonomous, tubeField, type AutonomousOptions, type AutonomousResult, type AutonomousDiagnostics } from './controllers/autonomous.js';
// Wasserstein area: exact OT (simplex / auction / SSP, rescaled and certified), Sinkhorn, 1-D, sliced
export { wasserstein, wasserstein1, wassersteinAsync, wasserstein1Async, type WassersteinOptions, type WassersteinResult, type TransportPlan } from './wasserstein/exact.js';
export { type SolverName as WassersteinSolver } from './wasserstein/solvers.js';
export { sinkhorn, sinkhornAsync, sinkhornDivergence, sinkhornDivergenceAsync, type SinkhornOptions, type SinkhornResult, type SinkhornDivergenceResult, type SinkhornStatus, type SinkhornCost } from './wasserstein/sinkhorn.js';
export { wasserstein1d, type Wasserstein1dOptions, type Wasserstein1dResult, type Samples1d } from './wasserstein/oned.js';
export { slicedWasserstein, type SlicedWassersteinOptions, type SlicedWassersteinResult } from './wasserstein/sliced.js';
export { generalizationBound, type GeneralizationBound, type LabelledData, type ShallowNetwork } from './wasserstein/bound.js';
// Transformers (arXiv 2502.02270; docs/algorithms/transformer.md)
export {
  makeTransformer,
  transformerToJSON,
  transformerFromJSON,
  TRANSFORMER_FORMAT,
  type Transformer,
  type TransformerBlock,
  type ResnetBlock,
  type AttentionBlock,
  type AttentionRule,
  type TransformerSpec,
} from './transformer/format.js';
export { runTransformer, runTransformerAsync, readout, type RunTransformerOptions, type RunTransformerResult, type SequencesLike, type ReadoutOptions } from './transformer/run.js';
export { interpolateSequences, interpolateSequencesAsync, type InterpolateSequencesOptions, type SequenceInterpolation, type SequenceInterpolationDiagnostics } from './transformer/interpolate-sequences.js';
// Worker threads (docs/algorithms/parallel.md)
export { sweep, type SweepOptions } from './parallel/sweep.js';
export { terminateWorkers, liveWorkers, defaultThreads, setWorkerUrl } from './parallel/pool.js';
// diffusion models as the time reversal of the heat equation (survey arXiv 2510.03303 §5; docs/algorithms/diffusion.md)
export {
  diffusionSample,
  diffusionSampleAsync,
  diffusionTimes,
  DIFFUSION_SCHEMES,
  DIFFUSION_GRIDS,
  type DiffusionOptions,
  type DiffusionResult,
  type DiffusionDiagnostics,
  type DiffusionScheme,
  type DiffusionGrid,
} from './diffusion/diffusion.js';
export { score, scoreAsync, liYauCheck, liYauCheckAsync, type LiYauReport } from './diffusion/score.js';
export { lemniscate } from './diffusion/lemniscate.js';
// densities along the flow: exact log-determinants cell by cell, push-forward densities, L¹/KL errors (survey arXiv 2510.03303 §3.4 Thm 3.5; docs/algorithms/density.md)
export { logDetJacobian, logDetJacobianAsync, reverseControls, LOGDET_METHODS, type LogDetMethod, type LogDetOptions, type LogDetResult } from './density/logdet.js';
export {
  pushforwardDensity,
  pushforwardDensityAsync,
  densityError,
  densityErrorAsync,
  MAX_DENSITY_GRID_CELLS,
  type DensityFunction,
  type PushforwardOptions,
  type PushforwardResult,
  type DensityGrid,
  type DensityErrorOptions,
  type DensityErrorResult,
} from './density/density.js';

// Constructions: interpolate and transport, their diagnostics, and the independent verifier
// (issue 15 item 1, issue 13 item 3; docs/algorithms/{interpolate,transport,verification}.md).
export {
  interpolate,
  interpolateAsync,
  interpolationSwitches,
  INTERPOLATION_TOLERANCE,
  type InterpolateOptions,
  type InterpolateResult,
  type InterpolateDiagnostics,
  type InterpolationVerification,
  type Autonomy,
} from './controllers/interpolate.js';
export {
  transportToUniform,
  transportToUniformAsync,
  transport,
  transportAsync,
  uniformTransportLayers,
  uniformTransportResolution,
  type TransportToUniformOptions,
  type TransportOptions,
  type UniformTransport,
  type MeasureTransport,
  type TransportDiagnostics,
} from './controllers/transport.js';
export { summarizeControls, verify, aprioriBound, type ControlsDescription, type VerifyOptions, type VerifyResult } from './controllers/describe.js';
export { independentFlow, type IndependentCheck, type IndependentFlowOptions } from './verify/adaptive.js';
// training (issue 9): J_α of eq. 3.13 and its exact gradients, train/trainAsync (docs/algorithms/training.md)
export {
  lossAndGradient, lossAndGradientAsync, GRADIENT_METHODS,
  type LossOptions, type LossAndGradient, type ControlsGradient, type LayerGradient, type GradientMethod,
} from './training/gradient.js';
export type { TrainingLoss, LinearReadout, AxisReadout, MulticlassReadout, BinaryReadout } from './training/loss.js';
export {
  train, trainAsync,
  type TrainOptions, type TrainResult, type TrainHistoryEntry, type TrainStatus, type Optimizer, type LearningRateSchedule,
} from './training/train.js';
export {
  saNodeFlow, fitSaNode, saNodeLossAndGradient, pendulumData,
  type SaNodeParams, type SaNodeFlowOptions, type FitSaNodeOptions, type FitSaNodeResult,
} from './training/sanode.js';
export {
  dropoutFlow, dropoutControls, dropoutErrorRate,
  type DropoutScheme, type DropoutOptions, type DropoutFlowOptions, type DropoutDraw, type DropoutRateRow,
} from './training/dropout.js';
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
