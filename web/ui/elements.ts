/**
 * The demo page's elements, looked up once by id: the panels share this one table, and a missing
 * id fails loudly as the page opens (see {@link byId}).
 */
import { byId } from './dom.js';

/** Looks up every element the panels use (in the page's order: data, train, tune, CV, user, item, you, model). */
export function pageElements() {
  return {
    env: byId('env'),
    dataset: byId<HTMLSelectElement>('dataset'),
    useBuiltin: byId<HTMLButtonElement>('use-builtin'),
    drop: byId('drop'),
    file: byId<HTMLInputElement>('file'),
    titlesFile: byId<HTMLInputElement>('titles-file'),
    parseProgress: byId<HTMLProgressElement>('parse-progress'),
    dataError: byId('data-error'),
    dataSummary: byId('data-summary'),
    trainForm: byId<HTMLFormElement>('train-form'),
    train: byId<HTMLButtonElement>('train'),
    cancel: byId<HTMLButtonElement>('cancel'),
    runProgress: byId<HTMLProgressElement>('run-progress'),
    halfProgress: byId<HTMLProgressElement>('half-progress'),
    halfLabel: byId('half-label'),
    trainStats: byId('train-stats'),
    tuneRun: byId<HTMLButtonElement>('tune-run'),
    tuneStatus: byId('tune-status'),
    tuneTable: byId<HTMLTableElement>('tune-table'),
    cvForm: byId<HTMLFormElement>('cv-form'),
    cvRun: byId<HTMLButtonElement>('cv-run'),
    cvCancel: byId<HTMLButtonElement>('cv-cancel'),
    cvStatus: byId('cv-status'),
    cvTable: byId<HTMLTableElement>('cv-table'),
    user: byId<HTMLInputElement>('user'),
    userList: byId('user-list'),
    randomUser: byId<HTMLButtonElement>('random-user'),
    userTaste: byId('user-taste'),
    history: byId('history'),
    recs: byId('recs'),
    explain: byId('explain'),
    item: byId<HTMLInputElement>('item'),
    itemList: byId('item-list'),
    similar: byId('similar'),
    legend: byId('legend'),
    meSearch: byId<HTMLInputElement>('me-search'),
    meClear: byId<HTMLButtonElement>('me-clear'),
    meAdd: byId<HTMLButtonElement>('me-add'),
    meItems: byId('me-items'),
    meStats: byId('me-stats'),
    meRecs: byId('me-recs'),
    modelName: byId<HTMLInputElement>('model-name'),
    saveIdb: byId<HTMLButtonElement>('save-idb'),
    loadIdb: byId<HTMLButtonElement>('load-idb'),
    download: byId<HTMLButtonElement>('download'),
    modelFile: byId<HTMLInputElement>('model-file'),
    factorsFile: byId<HTMLInputElement>('factors-file'),
    modelStatus: byId('model-status'),
    modelError: byId('model-error'),
  };
}

/** The page's elements by role (what {@link pageElements} returns). */
export type PageElements = ReturnType<typeof pageElements>;
