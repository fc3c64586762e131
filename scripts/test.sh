#!/bin/sh
# Start a throw-away PostgreSQL cluster for the PostgreSQL driver's tests, then
# run the whole test suite in a normal build and in an AddressSanitizer +
# UndefinedBehaviorSanitizer build, then the Node tests (OpenAPI document and browser tests of the pages)
# (tests/js, against the first build's isms; scripts/npm-deps.sh installs their
# packages), then print one summary line: "N passed, M failed" counting every
# cmocka test case of both builds and every Node test.
set -u
cd "$(dirname "$0")/.."

# The PostgreSQL tests run against a throw-away cluster of their own
# (scripts/pg-test-cluster.sh), removed however the run ends.
pg_dir=$(mktemp -u /tmp/isms-pg-XXXXXX)
trap 'scripts/pg-test-cluster.sh stop "$pg_dir"' EXIT
trap 'exit 130' INT TERM
if ISMS_TEST_PG_URL=$(scripts/pg-test-cluster.sh start "$pg_dir"); then
    export ISMS_TEST_PG_URL
    echo "== PostgreSQL test cluster in $pg_dir"
else
    echo "isms: the PostgreSQL test cluster did not start" >&2
    exit 1
fi

status=0
for dir in "$@"; do
    echo "== tests in $dir"
    # Sanitizers: stop at the first report, so a finding fails the test that caused it.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    # Timeouts catch hangs, not slowness: the sanitizer build runs two to three times
    # slower, and a machine busy with other builds slower still.
    meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier 3 || status=1
done

passed=0
failed=0
for dir in "$@"; do
    log="$dir/meson-logs/testlog.txt"
    [ -f "$log" ] || continue
    p=$(sed -n 's/.*\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/.*\[  FAILED  \] \([0-9][0-9]*\) test(s).*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    passed=$((passed + p))
    failed=$((failed + f))
done
# A test program that crashed reports no count of its own: count it as a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
fi

# Node tests (node:test, TAP output ends with "# pass N" and "# fail N").
if [ "$#" -gt 0 ]; then
    echo "== node tests in tests/js with $1/isms"
    node_log="$1/node-test.log"
    node_rc="$1/node-test.rc"
    node_passed=0
    node_failed=0
    if command -v node >/dev/null 2>&1; then
        echo 1 >"$node_rc"
        { ISMS_BIN="$1/isms" node --test --test-reporter=tap tests/js/ 2>&1; echo $? >"$node_rc"; } |
            tee "$node_log"
        node_status=$(cat "$node_rc")
        node_passed=$(sed -n 's/^# pass \([0-9][0-9]*\)$/\1/p' "$node_log" | tail -n 1)
        node_failed=$(sed -n 's/^# fail \([0-9][0-9]*\)$/\1/p' "$node_log" | tail -n 1)
        node_passed=${node_passed:-0}
        node_failed=${node_failed:-0}
    else
        echo "isms: node is missing: the Node tests (tests/js) need Node.js 20 or later" >&2
        node_status=1
    fi
    # A run that failed without counting a failure (node missing, a crash): count one.
    if [ "$node_status" -ne 0 ] && [ "$node_failed" -eq 0 ]; then
        node_failed=1
    fi
    [ "$node_status" -eq 0 ] && [ "$node_failed" -eq 0 ] || status=1
    passed=$((passed + node_passed))
    failed=$((failed + node_failed))
fi

echo "$passed passed, $failed failed"
exit $status
