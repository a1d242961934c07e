/**
 * A train/test pair of CSV texts for evaluation at scale: each user has `trainPer` training
 * items and `testPer` other held-out items (no overlap), spread over `items` items by a
 * seeded LCG, so every user has positives to rank against all the other items.
 */
export function heldOutCsvs(users: number, items: number, trainPer: number, testPer: number, seed = 12345): { train: string; test: string } {
  const train: string[] = ['user,item'];
  const test: string[] = ['user,item'];
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  for (let u = 0; u < users; u++) {
    const base = Math.floor(rnd() * items);
    for (let j = 0; j < trainPer; j++) train.push(`u${u},i${(base + j * 7) % items}`);
    for (let j = 0; j < testPer; j++) test.push(`u${u},i${(base + 3 + (j + trainPer) * 7) % items}`);
  }
  return { train: train.join('\n') + '\n', test: test.join('\n') + '\n' };
}
