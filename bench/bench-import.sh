#!/bin/sh
# bench-import.sh: how fast `isms KIND import --apply` writes records from CSV.
#
#   bench/bench-import.sh [--records N] [--kind KIND] [BUILD]
#
# BUILD is the build directory (default build-release). It makes a new SQLite
# ISMS in a temporary directory, writes a CSV of N records (default 100,000) of
# KIND (default context-issue, the only kind whose generator is written here:
# title, origin, category, status), imports it once as a dry run and once with
# --apply, and prints records/s of each. docs/PERFORMANCE.md keeps the figures.
set -eu

records=100000
kind=context-issue
build=build-release
while [ $# -gt 0 ]; do
    case "$1" in
        --records) records=$2; shift 2 ;;
        --kind) kind=$2; shift 2 ;;
        -*) echo "usage: bench/bench-import.sh [--records N] [--kind KIND] [BUILD]" >&2; exit 2 ;;
        *) build=$1; shift ;;
    esac
done

isms=$build/isms
[ -x "$isms" ] || { echo "bench-import: no $isms (ninja -C $build)" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export ISMS_DB="$dir/bench.isms" ISMS_ACTOR=bench
echo "bench password 1" | "$isms" init --admin bench --password-stdin --hash-cost test >/dev/null

case "$kind" in
    context-issue)
        awk -v n="$records" 'BEGIN {
            printf "title,origin,category,status\r\n"
            for (i = 1; i <= n; i++)
                printf "Issue %d,%s,technological,open\r\n", i, (i % 2 ? "internal" : "external")
        }' > "$dir/in.csv" ;;
    *) echo "bench-import: no generator for $kind" >&2; exit 2 ;;
esac

now() { date +%s.%N; }
# run LABEL [--apply]: one import, timed, and its rate.
run() {
    label=$1
    shift
    t0=$(now)
    "$isms" "$kind" import "$dir/in.csv" "$@" >/dev/null 2>"$dir/err" || { cat "$dir/err" >&2; exit 1; }
    t1=$(now)
    echo "$t0 $t1" | awk -v n="$records" -v what="$label" \
        '{ s = $2 - $1; printf "%-8s %d records in %.2f s: %.0f records/s\n", what, n, s, n / s }'
}
echo "import of $records $kind records ($(du -h "$dir/in.csv" | cut -f1) of CSV), SQLite"
run "dry run"
run "apply" --apply
