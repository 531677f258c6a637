import { LevelKv } from '../../src/storage/level-kv.js';
import { MemoryKv } from '../../src/storage/memory-kv.js';
import { makeStorageTmpDir, removeStorageTmpDir } from '../helpers/storage-tmp.js';
import { kvStoreSuite } from './kv-store.suite.js';

kvStoreSuite('LevelKv (LevelDB in a tmp dir)', async () => {
  const dir = await makeStorageTmpDir('kv-compliance');
  return { kv: new LevelKv({ path: dir }), cleanup: () => removeStorageTmpDir(dir) };
});

kvStoreSuite('MemoryKv', async () => ({ kv: new MemoryKv(), cleanup: async () => undefined }));
