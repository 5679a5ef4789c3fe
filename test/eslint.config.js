// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Run as `eslint -c test/eslint.config.js .` (npm run lint); patterns are relative to the repository root.
// Only adapters (and the composition root, CLI and simulator, which are shells) may import I/O packages:
// the domain stays pure so that it can be tested without any network, timer or disk.
const ioPackages = ['ari-client', 'asterisk-manager', 'fastify', 'ws', 'bullmq', 'ioredis', 'smtp-server', 'nodemailer', 'undici', 'node:net', 'node:http', 'node:fs', 'node:fs/promises', 'pino', 'prom-client', 'mailparser', 'node:crypto', 'node:os', 'node:child_process', 'node:dns', 'node:tls', '@fastify/multipart', '@fastify/rate-limit', '@fastify/swagger', '@fastify/swagger-ui', '@fastify/formbody'];

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
    // The application layer orchestrates through ports: it may make ids (node:crypto) but does no I/O itself.
    files: ['src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ioPackages.filter((name) => name !== 'node:crypto').map((name) => ({ name, message: 'the app layer talks to the world through ports: do I/O in an adapter' })) },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ioPackages.map((name) => ({ name, message: 'domain code is pure: do I/O in an adapter' })) }],
    },
  },
);
