// Bundles the auditor's console (src/console) for the browser into dist/console, which every
// node serves at /console (src/api/routes/console.ts). The console runs the SDK's own verifiers
// (src/client/verify.ts), so the shared code's two Node dependencies are swapped for browser
// versions here: node:crypto is aliased to src/console/shims/node-crypto.ts, and every src/ file
// that names Buffer gets an import of src/console/shims/buffer.ts. No CDN: every asset is local.
import { build } from 'esbuild';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const out = join(root, 'dist', 'console');
const bufferShim = join(src, 'console', 'shims', 'buffer.ts');

/** @type {import('esbuild').Plugin} */
const browserShims = {
  name: 'browser-shims',
  setup(b) {
    b.onResolve({ filter: /^node:crypto$/ }, () => ({ path: join(src, 'console', 'shims', 'node-crypto.ts') }));
    b.onResolve({ filter: /^node:/ }, (a) => ({ errors: [{ text: `${a.path} has no browser version (imported by ${a.importer})` }] }));
    b.onLoad({ filter: /\.ts$/ }, async (a) => {
      if (!a.path.startsWith(src) || a.path === bufferShim) return undefined;
      const text = await readFile(a.path, 'utf8');
      if (!/\bBuffer\b/.test(text)) return undefined;
      return { contents: `import { Buffer } from ${JSON.stringify(bufferShim)};\n${text}`, loader: 'ts' };
    });
  },
};

await mkdir(out, { recursive: true });
const result = await build({
  entryPoints: [join(src, 'console', 'main.tsx')],
  outfile: join(out, 'console.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'linked',
  plugins: [browserShims],
  logLevel: 'warning',
  metafile: true,
});
await cp(join(src, 'console', 'static'), out, { recursive: true });
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`console: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB in dist/console`);
