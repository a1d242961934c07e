/**
 * The datasets an engine holds, by handle: kept after loading or splitting, released on request,
 * and, after the engine's worker died and a fresh one took over, the ids that were lost with it
 * (so that an old handle gets `DATASET_LOST`, never another dataset).
 */
import { AlsError, badOption } from '../errors.js';
import type { Interactions } from '../data/types.js';
import { defaultFeedback } from '../api/fit.js';
import type { DatasetHandle } from './types.js';

/** Datasets by engine-local id, with the handles given out for them. */
export class DatasetStore {
  private readonly datasets = new Map<number, { data: Interactions; handle: DatasetHandle }>();
  private nextDataset = 1;
  /** Datasets that lived in a worker that died (see {@link DatasetStore.restoreAfterLoss}). */
  private readonly lostDatasets = new Set<number>();

  /** Keeps `data` under a new id and returns its handle. */
  keep(data: Interactions): DatasetHandle {
    const handle: DatasetHandle = {
      id: this.nextDataset++,
      users: data.users.size,
      items: data.items.size,
      interactions: data.length,
      hasValue: data.hasValue,
      hasTimestamp: !!data.timestamp,
      events: data.events ? data.events.ids().map(String) : [],
      feedback: defaultFeedback(data),
      skipped: data.skipped,
      source: data.source,
    };
    this.datasets.set(handle.id, { data, handle });
    return handle;
  }

  /**
   * The interactions of a handle (or id).
   * @throws AlsError `DATASET_LOST` (held by a worker that died), `BAD_OPTION` (unknown or released)
   */
  get(d: DatasetHandle | number): Interactions {
    const id = typeof d === 'number' ? d : d?.id;
    const found = this.datasets.get(id);
    if (!found && this.lostDatasets.has(id)) {
      throw new AlsError('DATASET_LOST', `Dataset ${id} was lost with the engine's worker, which died; the model was restored into a fresh worker but datasets are not kept — load the data again.`, { dataset: id });
    }
    if (!found) throw badOption('data', id, 'a dataset handle returned by load() or split() that has not been released');
    return found.data;
  }

  /** Frees a dataset (an unknown one is ignored). */
  release(d: DatasetHandle | number): void {
    this.datasets.delete(typeof d === 'number' ? d : d.id);
  }

  /** The handles of every dataset held. */
  handles(): DatasetHandle[] {
    return [...this.datasets.values()].map((d) => d.handle);
  }

  /** Frees every dataset. */
  clear(): void {
    this.datasets.clear();
  }

  /**
   * Continues ids after a dead worker's (`nextDatasetId`) and marks its datasets as lost.
   * @returns every dataset id lost so far
   */
  restoreAfterLoss(nextDatasetId: number, lostDatasets: number[]): number[] {
    this.nextDataset = Math.max(this.nextDataset, nextDatasetId);
    for (const id of lostDatasets) this.lostDatasets.add(id);
    return [...this.lostDatasets];
  }
}
