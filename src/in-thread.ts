/**
 * `als-wasm/in-thread` — the synchronous library on the calling thread (Node, a worker of your
 * own, tests): parse, train, the model and its serving calls, update, evaluation, tuning and
 * cross-validation, model files, factor interop and side information. A web app that wants the
 * engine off the main thread uses the package entry's `createRecommender` instead. This module
 * only re-exports, under the names the modules give; see each export's documentation.
 */
export { AlsError, isAlsError, type ErrorCode } from './errors.js';
export type { Id, IdMap, Interactions, InteractionRecord, Csr, RatingMatrix, SkippedRows } from './data/types.js';
export { parseText, parseChunks, fromRecords, loadInteractions, type InteractionSource, type ParseOptions } from './data/parse.js';
export { generateSynthetic, type SyntheticOptions, type SyntheticData } from './data/synthetic.js';
export { generateHeavyTailed, type HeavyTailedOptions } from './data/heavy-tailed.js';
export { builtinDataset, GENRES, type BuiltinDataset, type CatalogueItem } from './data/builtin.js';
export { splitInteractions, type Split, type SplitOptions, type SplitMethod } from './data/split.js';
export { kFoldSplits, type Fold, type KFoldOptions, type KFoldMethod } from './data/kfold.js';
export { TRAIN_DEFAULTS, type TrainOptions, type TrainProgress, type Feedback, type ConfidenceForm, type Solver, type DuplicatePolicy } from './train/options.js';
export { train, type TrainResult, type FitOptions, type FitReport } from './api/fit.js';
export { estimateTrainingBytes } from './train/budget.js';
export { defaultWorkers, maxWorkers } from './parallel/cores.js';
export { kernelVariantsAvailable } from './wasm/kernels.js';
export type { KernelVariant } from './wasm/abi.js';
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
} from './model/model.js';
export { updateModel, type UpdateOptions, type UpdateReport, type UpdateResult, type UpdateProgress, type UpdatableModel } from './model/update.js';
export { saveModel, loadModel } from './io/model-file.js';
export { evaluateModel, metricsFor, isLowerBetter, type EvaluateOptions, type QualityMetric, type RatingEvaluation, type RankingEvaluation } from './select/evaluate.js';
export { rankingMetrics, ratingMetrics, rmse, mae, type RankingMetrics, type RankingInput } from './select/metrics.js';
export type { ValidationOptions, ValidationReport, ValidationPoint } from './select/validation.js';
export { tuneOptions, type TuneOptions, type TuneReport, type TuneTrial, type TunedParams, type RegularizationCalibration } from './select/tune.js';
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
} from './api/cross-validate.js';
export { importFactors, type ImportFactorsOptions, type FactorSource, type FactorConvention } from './io/factors-import.js';
export { exportFactors, type ExportFormat, type ExportedFactors } from './io/factors-export.js';
export { readSparkModel, readFactorParquet, type SparkModelFiles, type SparkModel, type SparkFactors } from './io/spark-model.js';
export { parseFeatures, scaleFeatures, ML100K_GENRES, type ParsedFeatures, type FeatureFileFormat } from './features/read.js';
export { addItems, itemFromFeatures, recommendForNewUserWithFeatures, type AddItemsResult, type FeatureValue } from './features/cold.js';
export { explainByFeatures, type FeatureExplanation, type FeatureContribution } from './model/feature-explain.js';
export { parseLabels, labelFileKind, type ParsedLabels, type LabelFileFormat } from './features/label-read.js';
export type { ModelLabels, ItemLabel } from './model/labels.js';
export type { FeatureRecord, FeatureInput, FeatureOptions } from './features/types.js';
export type { ModelFeatures, FeatureSide } from './model/feature-types.js';
