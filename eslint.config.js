import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

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
    // The engine runs in plain Node (CLI, web shell, tests): it must never load Electron.
    files: ['src/main/{registry,archive,push,credentials,service,web,cli,cleanup,store,index,contents,transfer}/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine runs without Electron.' }] }],
    },
  },
);
