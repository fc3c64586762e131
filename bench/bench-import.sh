#!/bin/sh
# bench-import.sh: how fast `isms KIND import --apply` writes records from CSV.
#
#   bench/bench-import.sh [--records N] [--kind KIND] [--postgres] [BUILD]
#
# BUILD is the build directory (default build-release). It makes a new ISMS
# (SQLite in a temporary directory; with --postgres a database in a throw-away
# PostgreSQL cluster, scripts/pg-test-cluster.sh --durable, fsync on), writes a
# CSV of N records (default 100,000) of KIND, imports it once as a dry run and
# once with --apply, and prints the total seconds and records/s of each.
# Generators: context-issue (title, origin, category, status) and risk (50
# people PER-1..PER-50 are imported first; each risk has an owner, likelihood
# and impact 1..5, a treatment, controls and residual scores, so each row is
# scored under the method in force and logged). docs/PERFORMANCE.md keeps the figures.
set -eu

records=100000
kind=context-issue
build=build-release
postgres=0
while [ $# -gt 0 ]; do
    case "$1" in
        --records) records=$2; shift 2 ;;
        --kind) kind=$2; shift 2 ;;
        --postgres) postgres=1; shift ;;
        -*) echo "usage: bench/bench-import.sh [--records N] [--kind KIND] [--postgres] [BUILD]" >&2
            exit 2 ;;
        *) build=$1; shift ;;
    esac
done

isms=$build/isms
[ -x "$isms" ] || { echo "bench-import: no $isms (ninja -C $build)" >&2; exit 2; }
dir=$(mktemp -d)
cluster=$(dirname "$0")/../scripts/pg-test-cluster.sh
pg_dir=""
cleanup() {
    [ -z "$pg_dir" ] || "$cluster" stop "$pg_dir" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
store=SQLite
if [ "$postgres" = 1 ]; then
    pg_dir=$(mktemp -u /tmp/isms-bench-pg-XXXXXX)
    ISMS_DB=$("$cluster" start "$pg_dir" --durable) || { echo "bench-import: no cluster" >&2; exit 1; }
    store="PostgreSQL (fsync on)"
else
    ISMS_DB="$dir/bench.isms"
fi
export ISMS_DB ISMS_ACTOR=bench
echo "bench password 1" | "$isms" init --admin bench --password-stdin --hash-cost test >/dev/null

case "$kind" in
    context-issue)
        awk -v n="$records" 'BEGIN {
            printf "title,origin,category,status\r\n"
            for (i = 1; i <= n; i++)
                printf "Issue %d,%s,technological,open\r\n", i, (i % 2 ? "internal" : "external")
        }' > "$dir/in.csv" ;;
    risk)
        awk 'BEGIN {
            printf "name,department\r\n"
            for (i = 1; i <= 50; i++)
                printf "Person %d,Dept %d\r\n", i, i % 7
        }' > "$dir/people.csv"
        "$isms" person import "$dir/people.csv" --apply >/dev/null
        awk -v n="$records" 'BEGIN {
            split("modify,retain,avoid,share", tr, ",")
            split("5.15,8.24,5.7,8.8,5.23", ctl, ",")
            printf "title,owner,likelihood,impact,treatment,controls,residual_likelihood,residual_impact\r\n"
            for (i = 1; i <= n; i++) {
                l = i % 5 + 1; m = int(i / 5) % 5 + 1
                printf "Risk %d,PER-%d,%d,%d,%s,%s,%d,%d\r\n", i, i % 50 + 1, l, m,
                    tr[i % 4 + 1], ctl[i % 5 + 1], (l > 1 ? l - 1 : 1), (m > 1 ? m - 1 : 1)
            }
        }' > "$dir/in.csv" ;;
    *) echo "bench-import: no generator for $kind" >&2; exit 2 ;;
esac

now() { date +%s.%N; }
# run LABEL [--apply]: one import, timed (wall time, and the CPU time of isms when
# /usr/bin/time is there: on a busy machine the wall time waits for the others), and its rate.
run() {
    label=$1
    shift
    timer=""
    [ ! -x /usr/bin/time ] || timer="/usr/bin/time -o $dir/cpu -f %U_%S"
    t0=$(now)
    $timer "$isms" "$kind" import "$dir/in.csv" "$@" >/dev/null 2>"$dir/err" ||
        { cat "$dir/err" >&2; exit 1; }
    t1=$(now)
    cpu=$(cat "$dir/cpu" 2>/dev/null || true)
    echo "$t0 $t1 $cpu" | tr _ ' ' | awk -v n="$records" -v what="$label" \
        '{ s = $2 - $1; printf "%-8s %d records in %.2f s: %.0f records/s", what, n, s, n / s
           if ($3 != "") printf " (CPU %.2f s of isms: %.0f records/s)", $3 + $4, n / ($3 + $4)
           printf "\n" }'
}
echo "import of $records $kind records ($(du -h "$dir/in.csv" | cut -f1) of CSV), $store," \
    "load average $(cut -d' ' -f1 /proc/loadavg)"
run "dry run"
run "apply" --apply
