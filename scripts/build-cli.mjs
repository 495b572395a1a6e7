#!/usr/bin/env node
// Builds the `runnel` command (src/cli/main.ts) into dist/ as one esbuild bundle, split at its
// dynamic imports: dist/main.js (what bin/runnel.mjs loads) and chunks beside it, so a command
// loads only its own stack (`runnel run` never loads the server's HTTP layer). Why a bundle and
// not tsc's file-per-module output: Node 20 resolves, reads and compiles each of ~200 modules
// of ours and ~280 of Kysely's one by one, most of a short `runnel run`'s start-up
// (docs/benchmarks.md, "Start-up of `runnel run`").
//
// Pure-JS packages on the local-run path (INLINE) are bundled and tree-shaken; every other
// package stays an import of node_modules as before: native ones (better-sqlite3), those only
// the server loads (fastify, pg), and those loaded on first use through createRequire (pino,
// re2js, cron-parser, the zip libraries), which esbuild does not follow anyway.
//
// Usage: node scripts/build-cli.mjs [OUTDIR]   (default dist/; also importable: buildCli())
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

/** Bare imports bundled into dist/; any other package is left to node_modules. */
const INLINE = new Set(['kysely', 'yaml']);

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

const dependencies = {
  name: 'dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || INLINE.has(packageName(args.path))) return undefined;
      return { path: args.path, external: true };
    });
    // kysely-runtime.ts takes Kysely's values from its CommonJS build with createRequire (faster
    // than its ES build when not bundled, and esbuild would not follow it): in the bundle the
    // same names come from a static import, so Kysely is inlined and tree-shaken.
    b.onLoad({ filter: /[\\/]src[\\/]server[\\/]store[\\/]kysely-runtime\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const load = "createRequire(import.meta.url)('kysely')";
      if (!source.includes(load)) throw new Error(`${args.path} no longer contains ${load}: update scripts/build-cli.mjs`);
      return { contents: `import * as kyselyBundled from 'kysely';\n${source.replace(load, 'kyselyBundled')}`, loader: 'ts' };
    });
  },
};

export async function buildCli({ outdir = join(root, 'dist') } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { main: join(root, 'src', 'cli', 'main.ts') },
    outdir, chunkNames: 'chunk-[hash]',
    bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
    // Whitespace and syntax only: names stay, so stack traces stay readable (and source maps
    // map them back with node --enable-source-maps).
    minifyWhitespace: true, minifySyntax: true, sourcemap: true,
    // Inlined CommonJS packages (yaml) call require() for Node's built-ins.
    banner: { js: "import { createRequire as __runnelCreateRequire } from 'node:module'; const require = __runnelCreateRequire(import.meta.url);" },
    plugins: [dependencies],
    logLevel: 'warning',
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildCli(process.argv[2] ? { outdir: resolve(process.argv[2]) } : {});
}
