// The reward-model training core's API, for the REWARD_TRAINING / REWARD_SCORING jobs and the
// benchmark. Pure computation over in-memory feature vectors: no database, no files.
export { loadTensorflow, requestedBackend, RewardBackendError, REWARD_BACKENDS, type LoadedTf, type RewardBackend } from "./tf-backend";
export {
  checkPairs,
  computeStandardization,
  DEFAULT_BATCH_SIZE,
  DEFAULT_LEARNING_RATE_SCALE,
  defaultLearningRate,
  rewardTrainingSettingsSchema,
  RewardTrainingInputError,
  trainRewardHead,
  type CurvePoint,
  type RewardPair,
  type RewardTrainingSettings,
  type RewardTrainingSettingsInput,
  type TrainingProgress,
  type TrainOptions,
  type TrainResult,
} from "./train";
export { RewardHead, RewardHeadFormatError, headArchitectureSchema, type HeadArchitecture, type PlattCalibration } from "./head";
export {
  accuracyByStrength,
  accuracyBySource,
  calibrationCurve,
  evaluatePairs,
  scoreHistogram,
  scorePairs,
  type AccuracyCell,
  type CalibrationBin,
  type HistogramBins,
  type PairEvaluation,
  type ScoredPair,
} from "./evaluate";
export {
  applyCalibration,
  CalibrationInputError,
  DEFAULT_THRESHOLDS,
  evaluateSafety,
  fitPlattScaling,
  fitSafetyCalibration,
  perResponseSafety,
  responseSafety,
  unsafePrecisionRecall,
  UNSAFE_THRESHOLD,
  type SafetyEvaluation,
  type SafetyLabelledPair,
  type UnsafeFlagPoint,
} from "./safety-calibration";
export { rankingLoss, sigmoid } from "./loss";
export { learningRateAt, warmupSteps } from "./schedule";
