/**
 * The options of {@link importFactors} and the two engines' conventions it folds in with:
 * benfred/implicit's and Spark MLlib's confidence form and default λ, the source types it reads,
 * and the default size limit.
 */
import type { ConfidenceForm, Feedback } from '../train/options.js';
import type { Id } from '../data/types.js';
import type { KernelVariant } from '../wasm/abi.js';
import type { SparkModelFiles } from './spark-model.js';

/** Bytes or text of a factor file, or the files of a Spark model directory (path → bytes). */
export type FactorSource = Uint8Array | ArrayBuffer | Blob | string | SparkModelFiles;

/**
 * Whose conventions the factors follow, for fold-in: benfred/implicit's c = α·r (`confidence:
 * 'scaled'`, λ default 0.01) or Spark MLlib's c = 1 + α·r (`confidence: 'linear'`, λ default 0.1).
 */
export type FactorConvention = 'implicit' | 'spark';

/**
 * The confidence form of each engine's convention.
 * see: implicit `AlternatingLeastSquares.recalculate_user` (user_items scaled by α, then
 * A = YᵀY + λI + Σ (c − 1)·y yᵀ, b = Σ c·y); Spark `ALS.computeFactors` (c1 = α·|r|, b += (1 + c1)·y).
 */
export const CONVENTION_CONFIDENCE: Record<FactorConvention, ConfidenceForm> = { implicit: 'scaled', spark: 'linear' };
/** Each engine's default λ, used when the file does not say. */
export const CONVENTION_REGULARIZATION: Record<FactorConvention, number> = { implicit: 0.01, spark: 0.1 };

/** Options of {@link importFactors}. */
export interface ImportFactorsOptions {
  /**
   * File format. Default: detected (`npz` zip magic, `npy` magic, `parquet` PAR1 magic, JSON
   * `[`/`{`, else CSV; a file map is a Spark model directory, `spark`).
   */
  format?: 'npy' | 'npz' | 'json' | 'csv' | 'parquet' | 'spark';
  /**
   * Whose conventions to fold in with (c = α·r for `implicit`, 1 + α·r for `spark`). Default:
   * `implicit` for .npy/.npz, `spark` for Parquet, JSON, CSV and Spark model directories. The
   * model records the form as `options.confidence`.
   */
  source?: FactorConvention;
  /** Item ids for the rows of an .npy/.npz item matrix (default: the row numbers). */
  ids?: Id[];
  /** User ids for the rows of user factors in an .npz (default: the row numbers). */
  userIds?: Id[];
  /** How the factors were trained, for fold-in. Default `implicit` (a Spark model's metadata: its `implicitPrefs`). */
  feedback?: Feedback;
  /** λ used for fold-in (default: the file's — .npz `regularization`, Spark `regParam` — else the source's default, 0.01 implicit, 0.1 Spark). */
  regularization?: number;
  /** α used for fold-in (default: the file's `alpha` if it has one, else 1). */
  alpha?: number;
  /** Confidence form for fold-in. Default: the source's ({@link CONVENTION_CONFIDENCE}). */
  confidence?: ConfidenceForm;
  /** Kernel build. Default `auto`. */
  kernels?: KernelVariant | 'auto';
  /**
   * Most bytes the factors may take: the file itself, the sum of the declared uncompressed sizes
   * of the .npz entries read, and each array as f64 in memory — checked from the declared sizes
   * and shapes before anything is inflated or allocated. Default 1 GiB ({@link DEFAULT_MAX_FACTOR_BYTES}).
   */
  maxBytes?: number;
}

/** The default {@link ImportFactorsOptions.maxBytes}: 1 GiB. */
export const DEFAULT_MAX_FACTOR_BYTES = 2 ** 30;

/** Every option of {@link ImportFactorsOptions} (typed: a new option fails to compile until listed). */
export const IMPORT_OPTION_NAMES = Object.keys({
  format: 1, source: 1, ids: 1, userIds: 1, feedback: 1, regularization: 1, alpha: 1, confidence: 1, kernels: 1, maxBytes: 1,
} satisfies Record<keyof ImportFactorsOptions, 1>);
