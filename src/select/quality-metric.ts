/** The quality metrics by name: which a model yields and which way is better. */

/** A quality metric: rating error (a rating model's) or ranking quality at k (every model's). */
export type QualityMetric = 'rmse' | 'mae' | 'precision' | 'recall' | 'map' | 'ndcg' | 'auc' | 'mpr';

/** Rating error: an explicit (rating) model's predictions against held-out ratings. */
export const RATING_METRICS: readonly QualityMetric[] = ['rmse', 'mae'];
/** Ranking quality of the scores `recommend` ranks by. */
export const RANKING_METRICS: readonly QualityMetric[] = ['precision', 'recall', 'map', 'ndcg', 'auc', 'mpr'];

/**
 * The metrics a feedback type yields: every ranking metric, and rmse, mae for explicit
 * feedback (ratings) — a rating model ranks too, by the scores `recommend` uses.
 */
export function metricsFor(feedback: 'explicit' | 'implicit'): readonly QualityMetric[] {
  return feedback === 'explicit' ? [...RATING_METRICS, ...RANKING_METRICS] : RANKING_METRICS;
}

/** Whether a lower value of the metric is better (rmse, mae, mpr). */
export function isLowerBetter(metric: QualityMetric): boolean {
  return metric === 'rmse' || metric === 'mae' || metric === 'mpr';
}

/** Whether the metric is a ranking metric (every one but rmse and mae). */
export function isRankingMetric(metric: QualityMetric): boolean {
  return RANKING_METRICS.includes(metric);
}

/** Whether the metric is one of the @k metrics (AUC and MPR rank every item: about twice the cost). */
export function isAtKMetric(metric: QualityMetric): boolean {
  return metric === 'precision' || metric === 'recall' || metric === 'map' || metric === 'ndcg';
}
