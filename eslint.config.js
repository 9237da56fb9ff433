import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** A no-restricted-imports pattern refusing imports from the other processes' folders. */
const otherProcess = (...folders) => ({
  regex: `(^|/)(${folders.join('|')})/`,
  message: `Import what both processes need from src/shared, not from src/${folders.join(' or src/')}.`,
});
const noElectron = (message) => ({ name: 'electron', message });

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    // Production code never loads test support: test/support (and e2e/, bench/) serve tests only,
    // and a file named test-* is support by its name. typescript-eslint's copy of the rule, so the
    // process and Electron rules below (no-restricted-imports) cannot replace these patterns.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)(test/support|e2e|bench)(/|$)', message: 'Production code must not import test support; move what both need into src/.' },
            { regex: '(^|/)test-[^/]*$', message: 'A file named test-* is test support: production code must not import it.' },
          ],
        },
      ],
    },
  },
  {
    // Main never loads the preload's or the renderer's modules; what both sides need lives in src/shared.
    files: ['src/main/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [otherProcess('preload', 'renderer')] }] },
  },
  {
    // The engine runs in plain Node (CLI, web shell, tests): it must never load Electron.
    files: ['src/main/{registry,archive,push,credentials,profiles,service,web,cli,cleanup,store,index,contents,transfer,referrers}/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron('The engine runs without Electron.')], patterns: [otherProcess('preload', 'renderer')] }],
    },
  },
  {
    // Shared code runs in every process, so it loads none of them.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron('Shared code runs in every process.')], patterns: [otherProcess('main', 'preload', 'renderer')] }],
    },
  },
  {
    // The renderer reaches main only through the contract (window.berth).
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron('The renderer reaches main only through window.berth.')], patterns: [otherProcess('main')] }] },
  },
);
