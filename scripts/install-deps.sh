#!/bin/sh
# Install the Debian packages isms needs to build and test, if any is missing.
# Idempotent and quick when everything is present: apt-get runs only when needed,
# and waits for the dpkg lock when another apt or dpkg holds it.
#
#   scripts/install-deps.sh         what building and testing need
#   scripts/install-deps.sh bench   that, and the tools of the HTTP benchmark
#                                   (bench/bench-api.sh: wrk, curl, sqlite3)
set -eu

# Building, and testing: chromium runs the browser tests (tests/js/web.test.mjs,
# driven by playwright-core at /usr/bin/chromium; no browser is downloaded).
# liboath computes the codes of the second factor (RFC 6238), libqrencode the QR code
# shown at enrolment (both LGPL, linked dynamically). libpq is the PostgreSQL driver's
# client library; the postgresql server runs the tests' throw-away cluster
# (scripts/pg-test-cluster.sh). libcsv parses imported CSV (RFC 4180, LGPL, linked
# dynamically) and libxlsxwriter writes the XLSX exports in constant memory (BSD):
# src/report, docs/IMPORT-EXPORT.md.
PACKAGES="gcc make pkg-config meson ninja-build libsqlite3-dev libjansson-dev libcmocka-dev
          libmicrohttpd-dev libcurl4-openssl-dev libsodium-dev libssl-dev liboath-dev libqrencode-dev
          libpq-dev postgresql libcsv-dev libxlsxwriter-dev unzip
          chromium"
BENCH_PACKAGES="wrk curl sqlite3"

case "${1:-}" in
    "") ;;
    bench) PACKAGES="$PACKAGES $BENCH_PACKAGES" ;;
    *) echo "usage: scripts/install-deps.sh [bench]" >&2; exit 2 ;;
esac

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

echo "isms: installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Wait up to 10 minutes for the dpkg lock (unattended upgrades on a fresh machine).
LOCK_WAIT="-o DPkg::Lock::Timeout=600"
# shellcheck disable=SC2086
$SUDO apt-get $LOCK_WAIT update -qq
# shellcheck disable=SC2086
$SUDO apt-get $LOCK_WAIT install -y -qq --no-install-recommends $missing >/dev/null
