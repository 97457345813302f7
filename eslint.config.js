// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import solid from 'eslint-plugin-solid/configs/typescript';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', '.tmp/**', 'tests/fixtures/**', 'bench/results/**', 'dev-dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['app/src/**/*.{ts,tsx}'],
    ...solid,
    languageOptions: { ...solid.languageOptions, globals: globals.browser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    // The RxDB database stays inside app/src/store/: the app beyond it takes the store as a
    // `LocalStore` (no `db`) from store/browser.ts, and asks through `store.query`.
    files: ['app/src/**/*.{ts,tsx}'],
    ignores: ['app/src/store/**', 'app/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/store/localStore'], importNames: ['openLocalStore', 'OpenedLocalStore'], message: 'Only app/src/store/ opens the local store and holds its database: take a LocalStore and use store.query.' },
          { group: ['rxdb', 'rxdb/*'], message: 'RxDB is used inside app/src/store/ only: take a LocalStore and use store.query.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { ...globals.node },
    },
  },
  // Files a newcomer can read: no source file over 300 lines, no function over 120 (issue 12).
  // Tests, their fixtures and the two i18n dictionaries are exempt.
  {
    files: ['{app,shared,sync-server,device-bridge}/src/**/*.{ts,tsx}', 'scripts/**/*.ts', 'bench/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', 'app/src/i18n/en.ts', 'app/src/i18n/zh-CN.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    files: ['**/*.test.ts', 'tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
