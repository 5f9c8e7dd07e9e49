import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Dependencies point one way: app/ and inngest/ use lib/, never the reverse. Domain code emits events through
    // lib/events/send.ts (DESIGN.md), so lib/ never needs the Inngest client or the runner.
    files: ['lib/**/*.ts', 'lib/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^@/inngest(/|$)', message: 'lib/ must not import inngest/: send events through @/lib/events/send.' },
            { regex: '^@/app(/|$)', message: 'lib/ must not import app/.' },
            { regex: '^(\\.\\./)+(inngest|app)(/|$)', message: 'lib/ must not import inngest/ or app/.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/^@\\/(inngest|app)(\\/|$)/]',
          message: 'lib/ must not import inngest/ or app/, not even lazily.',
        },
      ],
    },
  },
  {
    // Test helpers parse arbitrary JSON responses; asserting on them is the point.
    files: ['tests/**/*.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { ignores: ['.next/**', 'dist/**', 'node_modules/**', '.data/**', 'drizzle/meta/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**'] },
];

export default config;
