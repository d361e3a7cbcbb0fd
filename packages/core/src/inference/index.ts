export type { ChainResult, LogDensity, LogDensityFactoryRef, NutsOptions, SamplerProgress } from "./types.ts";
export { Rng } from "./rng.ts";
export { NutsKernel, sampleChain, type SampleChainHooks, type TransitionStats } from "./nuts.ts";
export { lbfgsMinimize, type MinimizeOptions, type MinimizeResult, type Objective } from "./lbfgs.ts";
export {
  findMap,
  laplace,
  negativeHessian,
  type FindMapOptions,
  type LaplaceResult,
  type MapResult,
  type MapRun,
} from "./fast-mode.ts";
export { gaussianTarget, standardNormalTarget } from "./gaussian-target.ts";
