// Builds the SDK package from the repository's src/client (the one source: the CLI and the
// tests use it in place): one ESM bundle by esbuild, its runtime dependencies left to npm,
// and declarations by tsc.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
rmSync(resolve(here, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [resolve(root, 'src/client/index.ts')],
  outfile: resolve(here, 'dist/index.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', resolve(here, 'tsconfig.json')], { stdio: 'inherit' });
