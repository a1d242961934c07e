/**
 * als-wasm — private, on-device collaborative filtering by Alternating Least Squares with
 * WebAssembly kernels. The package entry is what a web app uses: the recommender (the engine in
 * a Web Worker, or in-thread where there is none), model persistence in IndexedDB, errors, and
 * the few data helpers a page needs. The synchronous in-thread API (train, the model, evaluation,
 * interop) is the subpath `als-wasm/in-thread` (src/in-thread.ts). This module only re-exports,
 * under the names the modules give (no renames at the door); see each export's documentation.
 */
export { AlsError, isAlsError, type ErrorCode } from './errors.js';
export { createRecommender, type Recommender, type RecommenderOptions } from './worker/client.js';
export { saveToIndexedDB, loadFromIndexedDB, listIndexedDBModels, deleteFromIndexedDB } from './io/store.js';
export { builtinDataset, GENRES, type BuiltinDataset, type CatalogueItem } from './data/builtin.js';
export { parseFeatures, scaleFeatures, ML100K_GENRES, type ParsedFeatures, type FeatureFileFormat } from './features/read.js';
export { parseLabels, labelFileKind, type ParsedLabels, type LabelFileFormat } from './features/label-read.js';
export type { ModelLabels, ItemLabel } from './model/labels.js';
export { TRAIN_DEFAULTS } from './train/options.js';
export { metricsFor, isLowerBetter, type QualityMetric, type RatingEvaluation, type RankingEvaluation } from './select/evaluate.js';
export type {
  DatasetHandle,
  LoadOptions,
  TrainSummary,
  UpdateSummary,
  EngineInfo,
  EngineTrainOptions,
  EngineCrossValidateOptions,
  CrossValidationSummary,
} from './engine/engine.js';
export type { ModelView } from './engine/model-view.js';
export type { Id, InteractionRecord } from './data/types.js';
export type { InteractionSource, ParseOptions, ParseProgress } from './data/parse.js';
export type { SplitOptions, SplitMethod } from './data/split.js';
export type { EvaluateOptions } from './select/evaluate.js';
export type { TrainOptions, TrainProgress, Feedback, ConfidenceForm, Solver, DuplicatePolicy } from './train/options.js';
export type {
  ScoredItem,
  HistoryRecommendations,
  SimilarItemsOptions,
  RecommendOptions,
  RecommendManyOptions,
  UserRecommendations,
  UsersForItemOptions,
  PopularOptions,
  HistoryEntry,
  FoldInResult,
  Explanation,
  Contribution,
} from './model/model.js';
export type { UpdateOptions, UpdateProgress } from './model/update.js';
export type { CvParams, CvMetric, CvProgress, CvTrial, CvFoldSummary, TunableOption } from './api/cross-validate.js';
export type { ImportFactorsOptions, FactorSource, FactorConvention } from './io/factors-import.js';
export type { ExportFormat, ExportedFactors } from './io/factors-export.js';
export type { FeatureValue, AddItemsResult } from './features/cold.js';
export type { FeatureRecord, FeatureInput, FeatureOptions } from './features/types.js';
