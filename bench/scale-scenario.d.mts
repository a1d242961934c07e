import type { Recommender } from '../src/worker/client.js';
import type { InteractionSource } from '../src/data/parse.js';
/** Load + 15 CG iterations through a Recommender (see scale-scenario.mjs). */
export declare function runScale(rec: Recommender, source: InteractionSource, opts?: { factors?: number; iterations?: number; workers?: number; precision?: 'f64' | 'mixed'; log?: (s: string) => void }): Promise<Record<string, number | string>>;
