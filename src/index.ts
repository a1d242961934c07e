/**
 * als-wasm — private, on-device collaborative filtering by Alternating Least Squares with
 * WebAssembly kernels. This module only re-exports; see each export's documentation.
 */
export { AlsError, isAlsError, type ErrorCode } from './errors.js';
export type { Id, IdMap, Interactions, InteractionRecord, Csr, RatingMatrix, SkippedRows } from './data/types.js';
export { createIdMap, idMapFromIds } from './data/id-map.js';
export { parseText, parseChunks, fromRecords, loadInteractions } from './data/parse.js';
export { buildMatrix, csrFromTriplets, transpose } from './data/csr.js';
export { generateSynthetic, type SyntheticOptions, type SyntheticData } from './data/synthetic.js';
export { generateHeavyTailed, type HeavyTailedOptions } from './data/heavy-tailed.js';
export { builtinDataset, GENRES, type BuiltinDataset, type CatalogueItem } from './data/builtin.js';
export {
  resolveTrainOptions,
  TRAIN_DEFAULTS,
  type TrainOptions,
  type TrainProgress,
  type Feedback,
  type ConfidenceForm,
  type Solver,
  type DuplicatePolicy,
} from './als/options.js';
export { autoRegularization, largestSingularValue, tameHeavyRows } from './als/auto-regularization.js';
export { medianPositive, toConfidence } from './als/confidence.js';
export { train, defaultFeedback, type TrainResult, type FitOptions, type FitReport } from './eval/fit.js';
export { trainFactors, type Factors, type TrainReport, type TrainHooks } from './als/train.js';
export { estimateTrainingBytes } from './als/budget.js';
export type { FactorView, IterationObserver } from './als/factors.js';
export { PoolKeeper } from './parallel/lease.js';
export { defaultWorkers, maxWorkers } from './parallel/cores.js';
export {
  AlsModel,
  type ScoredItem,
  type HistoryRecommendations,
  type SimilarItemsOptions,
  type RecommendOptions,
  type RecommendManyOptions,
  type UserRecommendations,
  type UsersForItemOptions,
  type PopularOptions,
  type HistoryEntry,
  type FoldInResult,
  type ModelParts,
  type Explanation,
  type Contribution,
} from './als/model.js';
export { updateModel, type UpdateOptions, type UpdateReport, type UpdateResult, type UpdateProgress, type UpdatableModel } from './als/update.js';
export { topKBatch, type TopKBatch, type TargetRows, type BatchSelection } from './recommend/batch.js';
export { evaluateModel, alignToModel, type RatingEvaluation, type RankingEvaluation } from './eval/evaluate.js';
export { saveModel, loadModel } from './io/model-file.js';
export { loadKernels, kernelVariantsAvailable, type KernelRuntime } from './wasm/kernels.js';
export type { KernelExports, KernelVariant } from './wasm/abi.js';
export { splitInteractions, type Split, type SplitOptions, type SplitMethod } from './data/split.js';
export { kFoldSplits, type Fold, type KFoldOptions, type KFoldMethod } from './data/kfold.js';
export {
  crossValidate,
  type CrossValidateOptions,
  type CrossValidationResult,
  type CvTrial,
  type CvParams,
  type CvMetric,
  type CvProgress,
  type CvFoldSummary,
  type TunableOption,
} from './eval/cross-validate.js';
export {
  Engine,
  type DatasetHandle,
  type LoadOptions,
  type TrainSummary,
  type UpdateSummary,
  type EngineInfo,
  type EngineTrainOptions,
  type EngineCrossValidateOptions,
  type CrossValidationSummary,
} from './engine/engine.js';
export type { ModelView } from './engine/model-view.js';
export { resolveTuneOptions, tuneOptions, calibrateRegularization, TUNE_DEFAULT_BUDGET_SECONDS, type TuneOptions, type TuneReport, type TuneTrial, type TunedParams, type RegularizationCalibration } from './eval/tune.js';
export { Validator, resolveValidation, type ValidationOptions, type ValidationReport, type ValidationPoint } from './eval/validation.js';
export { metricsFor, isLowerBetter, type QualityMetric } from './eval/evaluate.js';
export { createRecommender, type Recommender, type RecommenderOptions } from './worker/client.js';
export { saveToIndexedDB, loadFromIndexedDB, listIndexedDBModels, deleteFromIndexedDB } from './io/store.js';
export { importFactors, parseNpy, DEFAULT_MAX_FACTOR_BYTES, CONVENTION_CONFIDENCE, type ImportFactorsOptions, type FactorSource, type FactorConvention } from './io/factors-import.js';
export { exportFactors, type ExportFormat, type ExportedFactors } from './io/factors-export.js';
export { readSparkModel, readFactorParquet, type SparkModelFiles, type SparkModel, type SparkFactors } from './io/spark-model.js';
export { npy, zipStored, type NpyArray } from './io/npz-write.js';
export { rankingMetrics, ratingMetrics, rmse, mae, type RankingMetrics, type RankingInput } from './eval/metrics.js';
export { topK, type TopK } from './recommend/top-k.js';
export { similarItems as similarRows, rowNorms } from './recommend/similar.js';
export { parseFeatures, scaleFeatures, ML100K_GENRES, type ParsedFeatures, type FeatureFileFormat } from './features/read.js';
export { addItems, itemFromFeatures, recommendForNewUserWithFeatures, type AddItemsResult, type FeatureValue } from './features/cold.js';
export { explainByFeatures, type FeatureExplanation, type FeatureContribution } from './features/explain.js';
export { parseLabels, labelFileKind, type ParsedLabels, type LabelFileFormat } from './features/label-read.js';
export type { ModelLabels, ItemLabel } from './features/labels.js';
export type { FeatureRecord, FeatureInput, FeatureOptions, ModelFeatures, FeatureSide } from './features/types.js';
