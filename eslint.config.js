import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/lib/**',
      '**/.venv*/**',
      '**/.cache/**',
      '**/labextension/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // scripts, benchmarks and examples run on Node.js: its globals (process, console, URL, …) are defined
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: globals.node } },
  // CommonJS modules by design (the kernel's TypeScript loader): `import x = require(…)` is their import
  { files: ['**/*.cts'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
