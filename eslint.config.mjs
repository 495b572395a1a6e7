import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import runnel from './scripts/eslint/layers.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', '.runnel/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { runnel },
    rules: {
      'runnel/layers': ['error', { srcRoot: 'src' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.name='eval'], NewExpression[callee.name='Function']",
        message: 'no eval: user input is parsed, never evaluated',
      }],
    },
  },
  {
    // The compiler is pure: nothing that touches the outside world.
    files: ['src/pipeline/**/*.ts'],
    ignores: ['src/pipeline/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{
        group: ['node:fs', 'node:fs/*', 'fs', 'node:net', 'node:http', 'node:https', 'node:child_process', 'child_process', 'better-sqlite3', 'pg', 'kysely'],
        message: 'src/pipeline is pure: inject a reader instead',
      }] }],
    },
  },
  {
    // Packages loaded their own way, for start-up time: values only through these modules.
    files: ['src/**/*.ts'],
    ignores: ['src/server/store/kysely-runtime.ts', 'src/server/engine/cron.ts', 'src/shared/logger.ts', 'src/pipeline/re2.ts', 'src/executor/coverage.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [
        { name: 'kysely', allowTypeImports: true, message: 'import Kysely values from src/server/store/kysely-runtime.ts (one copy, loaded as CommonJS)' },
        { name: 'cron-parser', allowTypeImports: true, message: 'use cronParser() from src/server/engine/cron.ts (loaded on first use)' },
        { name: 'pino', allowTypeImports: true, message: 'make loggers with src/shared/logger.ts (pino is loaded on first use)' },
        { name: 're2js', allowTypeImports: true, message: 'use re2() from src/pipeline/re2.ts (loaded on first use, one copy)' },
      ] }],
    },
  },
  {
    // Plain CommonJS scripts run by Node as they are (the spawn helper).
    files: ['src/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', process: 'readonly', Buffer: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.mjs', 'eslint.config.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
