// Lint rules, including the architecture's import boundaries: one owner per external library.
import tseslint from 'typescript-eslint';

const dockerodeOnlyInEngine = {
  paths: [
    { name: 'dockerode', message: 'Only src/engine/ talks to dockerode; use ContainerEngine.' },
    { name: 'docker-modem', message: 'Only src/engine/ talks to docker-modem; use ContainerEngine.' },
  ],
  patterns: [
    { group: ['dockerfile-language-service', 'dockerfile-ast', 'dockerfile-utils'], message: 'Only src/language/ and src/lint/ use the Dockerfile packages.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/e2e/vscode/**', 'test-results/**', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': ['error', dockerodeOnlyInEngine],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/engine/ must not depend on VS Code.' }], patterns: dockerodeOnlyInEngine.patterns }],
    },
  },
  {
    files: ['src/lint/**/*.ts', 'src/language/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: dockerodeOnlyInEngine.paths }],
    },
  },
  {
    files: [
      'src/tree/ExplorerModel.ts',
      'src/tree/presentation.ts',
      'src/tree/format.ts',
      'src/tree/arrange.ts',
      'src/errorMessages.ts',
      'src/l10n.ts',
      'src/views/isolation.ts',
      'src/views/layers.ts',
      'src/views/diff.ts',
      'src/views/markdown.ts',
      'src/views/stats.ts',
      'src/views/logFollower.ts',
      'src/commands/lifecycle.ts',
      'src/commands/prune.ts',
      'src/commands/images.ts',
      'src/terminal/terminalText.ts',
      'src/run/**/*.ts',
      'src/files/safeExtract.ts',
    ],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Pure modules must not depend on VS Code.' }, ...dockerodeOnlyInEngine.paths], patterns: dockerodeOnlyInEngine.patterns }],
    },
  },
  {
    files: ['src/lint/**/*.ts', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The linter is shared with the CLI: no VS Code here.' }, ...dockerodeOnlyInEngine.paths] }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
