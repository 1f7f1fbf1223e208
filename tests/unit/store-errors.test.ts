import { describe, expect, it } from 'vitest';
import { CoreError } from '../../electron/core/errors.ts';
import { guardMethods, mapStoreError } from '../../electron/core/store/sqlite-errors.ts';

const sqliteError = (code: string) => Object.assign(new Error('sqlite said something with row data'), { code });

describe('store error mapping', () => {
  it('turns page damage into a PHI-free damaged_store and passes everything else through', () => {
    for (const code of ['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_INDEX']) {
      const mapped = mapStoreError(sqliteError(code));
      expect(mapped).toBeInstanceOf(CoreError);
      expect((mapped as CoreError).code).toBe('damaged_store');
      expect((mapped as CoreError).message).not.toContain('row data');
    }
    const busy = sqliteError('SQLITE_BUSY');
    expect(mapStoreError(busy)).toBe(busy);
    const typed = new CoreError('not_found', 'x');
    expect(mapStoreError(typed)).toBe(typed);
  });

  it('guards sync and async methods, and refuses calls once closed', async () => {
    let open = true;
    const target = guardMethods(
      {
        boom: () => {
          throw sqliteError('SQLITE_CORRUPT');
        },
        later: async () => Promise.reject(sqliteError('SQLITE_NOTADB')),
        fine: () => 42,
        close: () => 'closed',
      },
      () => open,
      ['close'],
    );
    expect(() => target.boom()).toThrow(expect.objectContaining({ code: 'damaged_store' }));
    await expect(target.later()).rejects.toMatchObject({ code: 'damaged_store' });
    expect(target.fine()).toBe(42);
    open = false;
    expect(() => target.fine()).toThrow(expect.objectContaining({ code: 'locked' }));
    expect(target.close()).toBe('closed');
  });
});
