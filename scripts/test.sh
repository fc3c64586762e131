#!/bin/sh
# Run the whole test suite in a normal build and in an AddressSanitizer +
# UndefinedBehaviorSanitizer build, then print one summary line:
# "N passed, M failed" counting every cmocka test case of both builds.
set -u
cd "$(dirname "$0")/.."

status=0
for dir in "$@"; do
    echo "== tests in $dir"
    # Sanitizers: stop at the first report, so a finding fails the test that caused it.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
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
echo "$passed passed, $failed failed"
exit $status
