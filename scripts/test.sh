#!/usr/bin/env bash
# Runs every check: type-check, API reports, lint, all unit/integration tests (SQLite and PostgreSQL,
# Prometheus, the Kubernetes emulator), the Developer Hub dynamic-plugin export, the browser end-to-end
# journeys and the adopter test (a new Backstage app installs the packed plugins). Exits non-zero on the
# first failure. While iterating: MP_SKIP_E2E=1 leaves out the browser journeys, MP_SKIP_ADOPTER=1 the
# adopter test.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MP_ROOT"
ensure_deps
ensure_test_tools
ensure_postgres || true
ensure_redis
export CI=true

step() { printf '\n\033[1m» %s\033[0m\n' "$*"; }
started=$(date +%s)

step "Type-check (yarn tsc, a full build)"
# Not incremental: the API reports below read the emitted declarations, and an incremental build mixes
# declarations emitted at different times, whose union members TypeScript prints in another order.
yarn tsc --incremental false

step "API reports (backstage-repo-tools api-reports --ci: fails when a package's API differs from its report.api.md)"
# On drift: run `yarn build:api-reports` and commit the report changes with the API change.
yarn build:api-reports --ci

step "Lint (backstage-cli repo lint)"
yarn backstage-cli repo lint

step "Tests (backstage-cli repo test)"
yarn backstage-cli repo test --maxWorkers=2

step "Dynamic plugins for Red Hat Developer Hub (@red-hat-developer-hub/cli plugin export)"
bash scripts/export-dynamic-plugins.sh

if [ -z "${MP_SKIP_E2E:-}" ] && [ -f test/e2e/run.mjs ]; then
  step "End-to-end journeys in headless Chromium (test/e2e)"
  node test/e2e/run.mjs
fi

# Its own ports (3300/7300/16443), so it never meets the journeys' portal; about 8 minutes, most of it the new
# app's yarn install from the registry.
if [ -z "${MP_SKIP_ADOPTER:-}" ]; then
  step "Adopter test: a new Backstage app installs the packed plugins (test/adopter)"
  # The declarations are fresh from the type-check above.
  MP_ADOPTER_TSC_DONE=1 node test/adopter/run.mjs
fi

echo
echo "All checks passed in $(( $(date +%s) - started ))s."
