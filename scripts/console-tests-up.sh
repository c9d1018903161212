#!/usr/bin/env bash
# Makes sure the console's browser tests can run: Debian's Chromium and
# the pinned playwright-core of console-tests/ (npm ci). Quick when both
# are there; run again, it changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
want=$(sed -n 's/.*"playwright-core": "\(.*\)".*/\1/p' console-tests/package.json)
have=$(sed -n 's/^  "version": "\(.*\)",/\1/p' console-tests/node_modules/playwright-core/package.json 2>/dev/null || true)
if [ "$want" != "$have" ]; then
	(cd console-tests && npm ci --no-audit --no-fund --loglevel=error)
fi
