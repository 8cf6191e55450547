#!/usr/bin/env bash
# Starts the portal on its embedded defaults (app-config.yaml): frontend on http://localhost:3000,
# backend on http://localhost:7007, a local Kubernetes API emulator, SQLite in ./data.
# Works on a fresh machine: installs Node 22 locally and the dependencies when needed.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MP_ROOT"
ensure_deps
ensure_mkdocs || true
mkdir -p data
echo "» Starting the portal: http://localhost:3000 (backend http://localhost:7007). Ctrl-C stops it."
exec node "$MP_ROOT/node_modules/@backstage/cli/bin/backstage-cli" repo start "$@"
