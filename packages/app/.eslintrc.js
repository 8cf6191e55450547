module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Deep imports (`@material-ui/core/Button`) keep bundles small; Backstage's own rule, with its autofix.
    '@backstage/no-top-level-material-ui-4-imports': 'error',
  },
});
