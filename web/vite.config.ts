import { defineConfig } from 'vite';

// Built by `npm run build:web` into web/dist; `runnel serve` serves web/dist/index.html for UI
// routes and the hashed files under /assets/ (see docs/ui.md for the server's contract).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/-/session': 'http://127.0.0.1:8080' } },
});
