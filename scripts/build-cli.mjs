#!/usr/bin/env node
// Builds the `runnel` command (src/cli/main.ts) into dist/ as one esbuild bundle: dist/runnel.cjs,
// which bin/runnel.mjs loads with a V8 code cache, and dist/build.json (its content hash). Why a
// bundle and not tsc's file-per-module output: Node 20 resolves, reads and compiles each of ~200
// modules of ours and ~280 of Kysely's one by one, and that was most of a short `runnel run`'s
// start-up (docs/benchmarks.md, "Start-up and end of `runnel run`"). Why CommonJS: on Node 20 only
// a script (vm.Script) can be compiled from a code cache, not an ES module.
//
// Pure-JS packages on the local-run path (INLINE) are bundled, and better-sqlite3's JavaScript
// (its addon stays in node_modules, named by src/server/store/database.ts); every other
// package stays a require() of node_modules as before: those only
// the server loads (fastify, pg), and those loaded on first use through createRequire (pino,
// re2js, cron-parser, the zip libraries), which esbuild does not follow anyway.
//
// Usage: node scripts/build-cli.mjs [OUTDIR]   (default dist/; also importable: buildCli())
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

/** Bare imports bundled into dist/; any other package is left to node_modules. */
const INLINE = new Set(['kysely', 'yaml', 'better-sqlite3']);

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
    // same names come from a static import, so Kysely is inlined.
    b.onLoad({ filter: /[\\/]src[\\/]server[\\/]store[\\/]kysely-runtime\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const load = "createRequire(import.meta.url)('kysely')";
      if (!source.includes(load)) throw new Error(`${args.path} no longer contains ${load}: update scripts/build-cli.mjs`);
      return { contents: `import * as kyselyBundled from 'kysely';\n${source.replace(load, 'kyselyBundled')}`, loader: 'ts' };
    });
  },
};

/** The in-memory store's migrated empty database, beside the bundle (memory-database.ts). */
const IMAGE = 'migrated.sqlite';

/** Saves migratedSqliteImage() of these sources: the same store code makes it, in a child process. */
async function saveMigratedImage(file) {
  const maker = `${file}.make-${process.pid}.cjs`;
  await build({
    absWorkingDir: root,
    stdin: {
      contents: "import { writeFileSync } from 'node:fs';\nimport { migratedSqliteImage } from './src/server/store/index.ts';\n"
        + 'void migratedSqliteImage().then((image) => writeFileSync(process.argv[2], image));\n',
      resolveDir: root, loader: 'ts', sourcefile: 'make-migrated-image.ts',
    },
    outfile: maker, bundle: true, format: 'cjs', platform: 'node', target: 'node20',
    define: { 'import.meta.url': '__runnelModuleUrl' },
    banner: { js: "var __runnelModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [dependencies], logLevel: 'warning',
  });
  try {
    execFileSync(process.execPath, [maker, file], { stdio: 'inherit', env: { ...process.env, NODE_PATH: join(root, 'node_modules') } });
  } finally {
    rmSync(maker, { force: true });
  }
}

export async function buildCli({ outdir = join(root, 'dist') } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  const outfile = join(outdir, 'runnel.cjs');
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile, bundle: true, format: 'cjs', platform: 'node', target: 'node20',
    // Dynamic imports become lazily run module initialisers of the same file (and require()
    // for packages), so a command still evaluates only its own modules.
    supported: { 'dynamic-import': false },
    // The sources are ES modules: import.meta.url is this file's URL, here as in src/.
    define: { 'import.meta.url': '__runnelModuleUrl', RUNNEL_MIGRATED_SQLITE_IMAGE: JSON.stringify(IMAGE) },
    banner: { js: "var __runnelModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    // Whitespace and syntax only: names stay, so stack traces stay readable. Node does not apply
    // source maps to a vm.Script (--enable-source-maps does nothing here): the map is for tools.
    minifyWhitespace: true, minifySyntax: true, sourcemap: true,
    // Non-ASCII characters escaped: bin/runnel.mjs reads the bundle as latin1 (no UTF-8 decoding).
    charset: 'ascii',
    plugins: [dependencies],
    logLevel: 'warning',
  });
  await saveMigratedImage(join(outdir, IMAGE));
  // The spawn helper is a script of its own (src/executor/spawner.ts finds it beside the bundle).
  copyFileSync(join(root, 'src', 'executor', 'spawn-helper.cjs'), join(outdir, 'spawn-helper.cjs'));
  const bytes = readFileSync(outfile);
  if (bytes.some((b) => b > 0x7f)) throw new Error(`${outfile} is not ASCII: bin/runnel.mjs reads it as latin1`);
  // What bin/runnel.mjs keys its V8 code cache on: a new build never uses an old build's cache.
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  writeFileSync(join(outdir, 'build.json'), `${JSON.stringify({ main: 'runnel.cjs', hash })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildCli(process.argv[2] ? { outdir: resolve(process.argv[2]) } : {});
}
