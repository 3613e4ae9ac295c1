#!/usr/bin/env bash
# Idempotent set-up: installs the Debian packages and npm dependencies that are missing, and nothing else.
# Runs before `npm test`, `npm run demo` and `npm run bench`; the Dockerfile runs the same package list.
# With --tests (npm test) it also installs scripts/debian-packages-test.txt, which the bot's image never needs.
set -euo pipefail
cd "$(dirname "$0")/.."

lists=(scripts/debian-packages.txt)
case "${1:-}" in
  '') ;;
  --tests) lists+=(scripts/debian-packages-test.txt) ;;
  *) echo "usage: scripts/setup.sh [--tests]" >&2; exit 2 ;;
esac

missing=()
while read -r pkg bin; do
  case "$pkg" in ''|'#'*) continue ;; esac
  if [ "$bin" = "-" ]; then
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  else
    command -v "$bin" >/dev/null 2>&1 || missing+=("$pkg")
  fi
done < <(cat "${lists[@]}")

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies: reinstall only when package-lock.json changed since the last install. They include Node 24
# itself (the `node` package ships the binary): npm puts node_modules/.bin first on the PATH of every npm
# script, so the demo, the tests and the bench run on it whatever the machine's own Node is.
stamp=node_modules/.meetbot-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

want_node=$(node -p 'require("./package.json").devDependencies.node.replace(/^\D*/, "").split(".")[0]')
if [ "$(node_modules/.bin/node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "$want_node" ]; then
  echo "setup: node_modules/.bin/node is not Node $want_node (did npm skip the node package's install script?)" >&2
  exit 1
fi
