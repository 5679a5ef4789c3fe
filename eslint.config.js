// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Only adapters (and the composition root, CLI and simulator, which are shells) may import I/O packages:
// the domain stays pure so that it can be tested without any network, timer or disk.
const ioPackages = ['ari-client', 'asterisk-manager', 'fastify', 'ws', 'bullmq', 'ioredis', 'smtp-server', 'nodemailer', 'undici', 'node:net', 'node:http', 'node:fs', 'node:fs/promises', 'pino', 'prom-client'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ioPackages.map((name) => ({ name, message: 'domain code is pure: do I/O in an adapter' })) }],
    },
  },
);
