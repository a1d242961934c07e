/**
 * Evaluation metrics: rating error (explicit feedback) and ranking quality (implicit).
 * This module only re-exports; see rating.ts and ranking.ts.
 */
export { rmse, mae, ratingMetrics, type RatingMetrics } from './rating.js';
export { rankingMetrics, type RankingInput, type RankingMetrics } from './ranking.js';
