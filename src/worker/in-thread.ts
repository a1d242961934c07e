/**
 * The in-thread recommender: the engine on the calling thread, loaded by dynamic `import()` only
 * when asked for — so a page that talks to the worker never downloads the engine twice.
 * `dispose()` stops a running call, and later calls reject with `DISPOSED`, as in worker mode.
 */
import { AlsError } from '../errors.js';
import { forwardingRecommender, type Recommender } from './recommender.js';
import { useParquetReader } from '../io/parquet-reader.js';

/** Loads the engine and wraps it. */
export async function inThreadRecommender(): Promise<Recommender> {
  const { Engine } = await import('../engine/engine.js');
  // Parquet (Spark models) on this thread: hyparquet loaded on first use, a lazy chunk of a bundle.
  useParquetReader(async (buffer, maxBytes, what) => (await import('../io/parquet-rows.js')).readParquetRows(buffer, maxBytes, what));
  const engine = new Engine();
  let disposed = false;
  const gone = (what: string) => new AlsError('DISPOSED', `This recommender was disposed${what}; create a new one with createRecommender().`, {});
  const own: Partial<Recommender> = {
    async dispose() {
      disposed = true;
      await engine.dispose(); // aborts the running calls
    },
  };
  return forwardingRecommender(own, async (name, args) => {
    if (disposed) throw gone('');
    const method = (engine as unknown as Record<string, unknown>)[name];
    if (typeof method !== 'function') throw new TypeError(`recommender.${name} is not a function`);
    try {
      return await (method as (...a: unknown[]) => Promise<unknown>).apply(engine, args);
    } catch (e) {
      if (disposed) throw gone(' while this call was running');
      throw e;
    }
  });
}
