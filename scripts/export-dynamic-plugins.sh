#!/usr/bin/env bash
# Exports the plugins as Red Hat Developer Hub dynamic plugins with @red-hat-developer-hub/cli (the version
# pinned in the root package.json), as docs/developer-hub.md tells a platform team to, and checks the output:
# backend packages get dist-dynamic/ (package.json + dist/, private dependencies installed, -common and -node
# embedded: they are not published on their own registry path for Developer Hub), the frontend plugin gets
# dist-dynamic/dist-scalprum/ (the Scalprum assets Developer Hub loads). Run by scripts/test.sh.
# `scripts/export-dynamic-plugins.sh [--keep]`: --keep leaves plugins/*/dist-dynamic for a look (git-ignored).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MP_ROOT"

keep=""
[ "${1:-}" = "--keep" ] && keep=1

# rhdh-cli runs `yarn build` and `yarn install` through /bin/sh, where env.sh's `yarn` function does not
# exist: a shim for this repository's committed yarn release, in a temporary folder.
shim="$(mktemp -d)"
trap 'rm -rf "$shim"' EXIT
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$(command -v node)" "$(ls "$MP_ROOT"/.yarn/releases/*.cjs | head -n1)" >"$shim/yarn"
chmod +x "$shim/yarn"
export PATH="$shim:$PATH"
rhdh="$MP_ROOT/node_modules/.bin/rhdh-cli"

embed=(@model-publishing/plugin-model-publishing-common @model-publishing/plugin-model-publishing-node)
total_started=$(date +%s)
for dir in plugins/*/; do
  dir="${dir%/}"
  [ -f "$dir/package.json" ] || continue
  read -r name role private < <(node -e '
    const p = require(process.argv[1]);
    console.log(p.name, (p.backstage && p.backstage.role) || "-", p.private ? "yes" : "no");
  ' "$MP_ROOT/$dir/package.json")
  [ "$private" = no ] || continue
  args=()
  case "$role" in
    backend-plugin | backend-plugin-module)
      # Embed only the libraries this package really depends on.
      for e in "${embed[@]}"; do
        if node -e 'process.exit(require(process.argv[1]).dependencies?.[process.argv[2]] ? 0 : 1)' \
          "$MP_ROOT/$dir/package.json" "$e"; then
          args+=(--embed-package "$e")
        fi
      done
      want="dist-dynamic/dist/index.cjs.js"
      ;;
    frontend-plugin) want="dist-dynamic/dist-scalprum/plugin-manifest.json" ;;
    *) continue ;;
  esac
  started=$(date +%s)
  log="$(mktemp)"
  if ! (cd "$dir" && "$rhdh" plugin export --clean "${args[@]}" >"$log" 2>&1); then
    tail -n 60 "$log"
    echo "export-dynamic-plugins: $name: rhdh-cli plugin export failed (full log above, tail)"
    exit 1
  fi
  rm -f "$log"
  if [ ! -f "$dir/$want" ]; then
    echo "export-dynamic-plugins: $name: exported without $want"
    exit 1
  fi
  printf '  %-70s %4ss  %s\n' "$name" "$(($(date +%s) - started))" "$dir/dist-dynamic"
done
echo "Dynamic plugins exported in $(($(date +%s) - total_started))s."

# The output is large (node_modules, webpack chunks) and outside what lint and prettier expect.
[ -n "$keep" ] || rm -rf plugins/*/dist-dynamic
