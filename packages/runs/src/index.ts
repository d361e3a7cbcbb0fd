// @mixcast/runs: the one owner of a Run's life. Every change of Run.status (queue, start,
// progress, succeed, fail, cancel, hand back, recover) is a function here that writes the change
// and its AuditEvent in one transaction; web and worker call these and write no Run row
// themselves (ownership.test.ts checks the sources).
export { writeRunEvent, type RunEventBy, type RunOrigin } from "./audit.ts";
export { LostClaimError } from "./errors.ts";
export { transaction, TX_OPTIONS } from "./transaction.ts";
export { failEnqueue, queueRun, queueScheduledRun, recordJob, type QueueRunInput } from "./queue.ts";
export { requestCancel, type RequestCancelResult } from "./cancel.ts";
export {
  cancelClaimedRun,
  claimRun,
  failRun,
  handBackRun,
  recordProgress,
  succeedRun,
  type Claim,
  type ClaimedRun,
  type ClaimResult,
  type SuccessInput,
} from "./claim.ts";
export { failLiveRun, failStaleRun, requeueStaleRun, type StaleRun } from "./recover.ts";
export { recordStability, storeRunInsights, storeRunViews } from "./derived.ts";
export { blockingFindings, checkRunData, describeBlocking } from "./data-checks.ts";
export { compareRoi, refreshComparisonFor } from "./refresh.ts";
export {
  decodeModelSpec,
  decodeModelSpecV2,
  encodeModelSpec,
  SPEC_ENCODING,
  storedSpecVersion,
} from "./spec.ts";
export { DRAWS_ENCODING, decodeStoredDraws, encodeStoredDraws, type StoredDraws } from "./draws.ts";
export {
  claimChain,
  decodeChainResult,
  encodeChainResult,
  failChain,
  handBackChain,
  listChains,
  loadChainResults,
  planChains,
  recordChainProgress,
  releaseChainResults,
  stopChains,
  succeedChain,
  type ChainClaim,
  type ChainClaimResult,
  type ChainProgressInfo,
  type ChainRun,
  type ChainSettings,
  type ChainState,
} from "./chains.ts";
export { liftTestsForRun, pinnedLiftTestsOf, pinRunLiftTests } from "./lift-tests.ts";
export {
  evaluateRunScenarios,
  evaluateScenarioPlan,
  planChecksum,
  PlanChoiceError,
  planningHorizonOn,
  planningModelOfStored,
  PLANNING_DRAWS,
  SCENARIO_EVALUATION_SETTINGS,
  scenarioChecksum,
  type PlanningModel,
  type RunScenarioEvaluations,
} from "./scenario-evaluation.ts";
