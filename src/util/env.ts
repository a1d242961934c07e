/** Facts about the JavaScript environment, checked once. */

/** Whether this is Node (then `node:` modules, worker_threads and the file system are there). */
export const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
