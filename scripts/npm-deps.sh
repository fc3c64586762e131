#!/bin/sh
# Install the npm packages of the Node tests (tests/js: test tools only, nothing
# that ships) exactly as tests/js/package-lock.json pins them. Runs `npm ci`
# only when tests/js/node_modules is missing or older than the lock file.
#
# Uses the machine's Node.js and the npm that comes with it,
# never Debian's npm package.
set -eu
cd "$(dirname "$0")/.."

dir=tests/js
lock=$dir/package-lock.json
modules=$dir/node_modules

if ! command -v node >/dev/null 2>&1; then
    echo "isms: node is missing: the Node tests (tests/js: OpenAPI and browser tests) need Node.js 20 or later" \
         "with its npm; install Node.js (not Debian's npm package) and run make test again" >&2
    exit 1
fi
# The npm installed beside node, so that a Debian npm elsewhere on PATH is not taken.
npm="$(dirname "$(command -v node)")/npm"
if [ ! -x "$npm" ]; then
    echo "isms: no npm beside $(command -v node): install Node.js with its npm" >&2
    exit 1
fi

# node_modules/.package-lock.json is written by every install: its age is the install's.
stamp=$modules/.package-lock.json
if [ -f "$stamp" ] && [ ! "$lock" -nt "$stamp" ]; then
    exit 0
fi

echo "isms: installing the Node test packages ($lock)"
"$npm" ci --prefix "$dir" --no-audit --no-fund --loglevel=error
# npm ci keeps the lock file's time; mark the install as newer than it.
touch "$stamp"
