import { isolateFailingUnits, type SavepointSteps } from './row-isolation.js';

/** A fake transaction: written units become visible only when their savepoint is released. */
const overflow = () => Object.assign(new Error('value overflows numeric format'), { code: '22003' });

function fakeTransaction(bad: Set<number>, error: () => Error = overflow) {
  const committed: number[] = [];
  let pending: number[] = [];
  const log: string[] = [];
  const savepoints: SavepointSteps = {
    savepoint: () => Promise.resolve(void log.push('savepoint')),
    rollbackToSavepoint: () => Promise.resolve(void (log.push('rollback'), (pending = []))),
    releaseSavepoint: () => Promise.resolve(void (log.push('release'), committed.push(...pending), (pending = []))),
  };
  const write = (units: number[]): Promise<number> => {
    pending = [...units];
    if (units.some((u) => bad.has(u))) return Promise.reject(error());
    return Promise.resolve(units.length);
  };
  return { committed, log, savepoints, write };
}

describe(isolateFailingUnits.name, () => {
  it.each([
    [[], 1],
    [[0], 1],
    [[0], 8],
    [[7], 8],
    [[2, 5], 8],
    [[0, 1, 2, 3, 4, 5, 6, 7], 8],
    [[13, 400, 999], 1000],
  ])('should find exactly the bad units %j among %i and keep every other one written', async (badList, n) => {
    const tx = fakeTransaction(new Set(badList));
    const units = Array.from({ length: n }, (_, i) => i);

    const { results, failed } = await isolateFailingUnits({ units, write: tx.write, savepoints: tx.savepoints });

    expect(failed.map((f) => f.unit)).toEqual(badList);
    expect(failed.every((f) => (f.error as { code: string }).code === '22003')).toBe(true);
    expect(tx.committed.sort((a, b) => a - b)).toEqual(units.filter((u) => !badList.includes(u)));
    expect(results.reduce((a, b) => a + b, 0)).toBe(n - badList.length);
  });

  it('should cost O(k log n) attempts for k bad units', async () => {
    const tx = fakeTransaction(new Set([500]));
    const units = Array.from({ length: 1024 }, (_, i) => i);
    await isolateFailingUnits({ units, write: tx.write, savepoints: tx.savepoints });
    expect(tx.log.filter((l) => l === 'savepoint').length).toBe(21);
  });

  it('should propagate an error that is not a data error, without isolating', async () => {
    const terminated = () => Object.assign(new Error('connection terminated'), { code: '57P01' });
    const tx = fakeTransaction(new Set([3]), terminated);
    const isolation = isolateFailingUnits({ units: [1, 2, 3, 4], write: tx.write, savepoints: tx.savepoints });
    await expect(isolation).rejects.toThrow('connection terminated');
  });
});
