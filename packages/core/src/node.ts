/**
 * @mixcast/core/node: everything of the browser-safe entry (@mixcast/core) plus what needs Node:
 * chains in worker threads (sampleChains), fitModel, and the CLI's commands.
 */
export * from "./index.ts";
export { sampleChains, type SampleChainsHooks } from "./inference/sample-chains.ts";
export { fitChain, fitFromChains, fitModel, modelTarget } from "./fit/fit-model.ts";
export {
  fitChainV2,
  fitModelV2,
  fitV2FromChains,
  modelTargetV2,
  summarizeV2,
  type FitResultV2,
  type ChannelResultV2,
} from "./fit/fit-v2.ts";
