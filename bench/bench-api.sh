#!/bin/sh
# bench-api.sh: how fast `isms serve` answers over loopback, measured with wrk.
#
#   bench/bench-api.sh [--postgres] [--threads "LIST"] [--duration S] [--records N] [--no-stall] [BUILD]
#
# BUILD is the build directory (default build-release). It builds a database of
# N context issues (default 100,000) with `bench-store --keep` (--postgres: in a
# throw-away PostgreSQL cluster, scripts/pg-test-cluster.sh --durable, fsync on,
# Unix socket only; the stall test, made for SQLite's lock, is left out), then for each
# threading mode in LIST (`isms serve --threads`: 0 = a thread per connection,
# N = a pool of N event-loop threads; default: the server's default only) it
# starts the server on 127.0.0.1 (a free port) on a fresh copy of the database
# and runs wrk for S seconds (default 10) each:
#
#   list    GET /api/v1/context-issues                 (first page, 50 rows)
#   get     GET /api/v1/context-issues/ISS-50000       (one record by id: the middle one)
#   create  POST /api/v1/context-issues                (bench/create.lua)
#
# at 1 and 4 connections (wrk threads = connections, at most 2), and prints
# requests/s, p50 and p99 with PASS or MISS against the targets at 4
# connections, and the server's peak RSS (VmHWM). Then a stall test: GET
# latency at 1 connection alone, beside slow uploads (clients that trickle a
# body at 1 KiB/s), beside slow handlers (4 clients that keep the slowest
# request there is running, a search that matches nothing, ~40 ms of CPU) and
# beside blocked handlers (4 clients whose creates wait for the write lock that
# the sqlite3 shell holds: blocked without using the CPU).
#
# Every request carries an API token (Authorization: Bearer, wrk -H and
# create.lua) of a user added to the database after bench-store made it.
# The access log goes to a file, as it would in production. wrk, curl and
# sqlite3 must be installed (scripts/install-deps.sh bench; `make bench` does
# it), and for --postgres PostgreSQL's server programs and psql. Exit status 0
# whatever the figures; 1 if something fails.
set -eu

BUILD=build-release
MODES=default
DURATION=10
RECORDS=100000
STALL=1
STALL_S=5
SLOW_CLIENTS=8   # slow uploads at once
SLOW_HANDLERS=4  # slow requests at once (= the largest pool measured)
POSTGRES=0

TARGET_LIST=10000
TARGET_GET=20000
TARGET_P50_MS=1
TARGET_RSS_MB=30

usage() {
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --threads) [ $# -ge 2 ] || usage; MODES=$2; shift 2 ;;
        --duration) [ $# -ge 2 ] || usage; DURATION=$2; shift 2 ;;
        --records) [ $# -ge 2 ] || usage; RECORDS=$2; shift 2 ;;
        --no-stall) STALL=0; shift ;;
        --postgres) POSTGRES=1; STALL=0; shift ;;
        -h | --help) usage ;;
        -*) usage ;;
        *) BUILD=$1; shift ;;
    esac
done

die() {
    echo "bench-api: $*" >&2
    exit 1
}

command -v wrk >/dev/null 2>&1 || die "wrk is not installed: run scripts/install-deps.sh bench"
if [ "$POSTGRES" = 1 ]; then
    command -v psql >/dev/null 2>&1 || die "psql is not installed (Debian package postgresql-client)"
fi
if [ "$STALL" = 1 ]; then
    for tool in curl sqlite3; do
        command -v $tool >/dev/null 2>&1 || die "$tool is not installed: run scripts/install-deps.sh bench"
    done
fi
ISMS=$BUILD/isms
BENCH_STORE=$BUILD/bench/bench-store
LUA=$(dirname "$0")/create.lua
[ -x "$ISMS" ] || die "$ISMS is missing: build first (ninja -C $BUILD)"
[ -x "$BENCH_STORE" ] || die "$BENCH_STORE is missing: build first (ninja -C $BUILD)"
[ -r "$LUA" ] || die "$LUA is missing"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/isms-bench-api-XXXXXX")
server_pid=""
bg_pids=""
CLUSTER=$(dirname "$0")/../scripts/pg-test-cluster.sh
pg_dir=""

cleanup() {
    for p in $bg_pids; do
        kill "$p" 2>/dev/null || true
    done
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    [ -z "$pg_dir" ] || "$CLUSTER" stop "$pg_dir"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# "128.00us", "0.94ms", "1.20s", "2.00m" -> milliseconds
to_ms() {
    echo "$1" | awk '{
        v = $1 + 0
        if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /ms$/) v += 0;
        else if ($1 ~ /m$/) v *= 60000; else if ($1 ~ /s$/) v *= 1000
        printf "%.3f", v }'
}

# wrk_run CONNECTIONS SECONDS URL [LUA]: sets rps, p50, p99, bad (non-2xx + socket errors)
wrk_run() {
    c=$1
    t=$c
    [ "$t" -gt 2 ] && t=2
    if [ $# -ge 4 ]; then
        wrk -t"$t" -c"$c" -d"$2"s --timeout 10s --latency -H "$AUTH" -s "$4" "$3" \
            >"$tmp/wrk.out" 2>&1 || true
    else
        wrk -t"$t" -c"$c" -d"$2"s --timeout 10s --latency -H "$AUTH" "$3" >"$tmp/wrk.out" 2>&1 ||
            true
    fi
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$tmp/wrk.out")
    [ -n "$rps" ] || { cat "$tmp/wrk.out" >&2; die "wrk failed on $3"; }
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$tmp/wrk.out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.out")")
    bad=$(awk '/Non-2xx or 3xx responses:/ { n += $NF }
               /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 }
               END { print n + 0 }' "$tmp/wrk.out")
}

# report LABEL CONNECTIONS TARGET_RPS (0: none)
report() {
    awk -v label="$1" -v c="$2" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v bad="$bad" \
        -v target="$3" -v tp50="$TARGET_P50_MS" 'BEGIN {
        line = sprintf("  %-30s %d conn: %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms", label, c,
                       rps, p50, p99)
        if (c == 4 && target > 0)
            line = line sprintf("  [>= %d/s: %s, p50 < %g ms: %s]", target,
                                rps >= target ? "PASS" : "MISS", tp50,
                                p50 < tp50 ? "PASS" : "MISS")
        else if (c == 4)
            line = line sprintf("  [p50 < %g ms: %s]", tp50, p50 < tp50 ? "PASS" : "MISS")
        if (bad > 0)
            line = line sprintf("  (%d errors or non-2xx)", bad)
        print line }'
}

vm_hwm_kb() {
    awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

# fresh_copy: the database of a run, a copy of the base one (SQLite: the file;
# PostgreSQL: a database made from the base one as its template); sets RUN_DB
fresh_copy() {
    if [ "$POSTGRES" = 1 ]; then
        PGOPTIONS="-c client_min_messages=warning" psql -q -X -v ON_ERROR_STOP=1 "$PG_ADMIN" \
            -c "DROP DATABASE IF EXISTS isms_run" \
            -c "CREATE DATABASE isms_run TEMPLATE isms_test" >/dev/null ||
            die "cannot copy the PostgreSQL database"
        RUN_DB="postgresql:///isms_run?host=$pg_dir&user=postgres"
    else
        cp "$tmp/base.isms" "$tmp/run.isms"
        rm -f "$tmp/run.isms-wal" "$tmp/run.isms-shm"
        RUN_DB=$tmp/run.isms
    fi
}

# start_server MODE: starts isms serve on a fresh copy of the database; sets server_pid, base
start_server() {
    fresh_copy
    rm -f "$tmp/out"
    if [ "$1" = default ]; then
        "$ISMS" --db "$RUN_DB" serve --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/access.log" &
    else
        "$ISMS" --db "$RUN_DB" serve --listen 127.0.0.1:0 --threads "$1" \
            >"$tmp/out" 2>"$tmp/access.log" &
    fi
    server_pid=$!
    i=0
    while [ ! -s "$tmp/out" ]; do
        kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/access.log" >&2; die "the server did not start"; }
        i=$((i + 1))
        [ "$i" -le 100 ] || die "the server printed nothing in 10 s"
        sleep 0.1
    done
    port=$(sed -n '1s|.*http://[^ ]*:\([0-9][0-9]*\)/.*|\1|p' "$tmp/out")
    [ -n "$port" ] || die "no port in: $(head -n 1 "$tmp/out")"
    base=http://127.0.0.1:$port/api/v1/context-issues
    page_base=http://127.0.0.1:$port/context-issues
}

stop_server() {
    kill -TERM "$server_pid"
    wait "$server_pid" || die "the server exited with status $?"
    server_pid=""
}

# The slow uploads: headers and the start of a 1 MB body, then 1 KiB/s.
start_slow_uploads() {
    head -c 1000000 /dev/zero | tr '\0' ' ' >"$tmp/slow-body"
    i=0
    while [ "$i" -lt "$SLOW_CLIENTS" ]; do
        curl -s -o /dev/null --limit-rate 1K -H 'Content-Type: application/json' -H 'Expect:' \
            -H "$AUTH" \
            --data-binary @"$tmp/slow-body" "$base" &
        bg_pids="$bg_pids $!"
        i=$((i + 1))
    done
    sleep 1
}

stop_background() {
    for p in $bg_pids; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    bg_pids=""
}

stall_test() {
    get=$base/ISS-$MIDDLE
    wrk_run 1 "$STALL_S" "$get"
    report "stall: GET alone" 1 0
    start_slow_uploads
    wrk_run 1 "$STALL_S" "$get"
    report "stall: GET, $SLOW_CLIENTS slow uploads" 1 0
    stop_background
    # Slow handlers: clients that each keep one search running that reads all
    # 100,000 rows. One connection each, started one after the other, so that in
    # a pool every worker gets one (a new connection goes to a worker that is free).
    i=0
    while [ "$i" -lt "$SLOW_HANDLERS" ]; do
        wrk -t1 -c1 -d$((STALL_S + 3))s -H "$AUTH" "$base?q=no%20such%20words" >"$tmp/slow.$i" 2>&1 &
        bg_pids="$bg_pids $!"
        i=$((i + 1))
        sleep 0.3
    done
    wrk_run 1 "$STALL_S" "$get"
    report "stall: GET, $SLOW_HANDLERS slow handlers" 1 0
    for p in $bg_pids; do
        wait "$p" || true
    done
    bg_pids=""
    cat "$tmp"/slow.* | awk '/^Requests\/sec:/ { n += $2 }
        END { printf "    (the slow handlers: %.1f searches/s in all)\n", n }'
    rm -f "$tmp"/slow.*
    # Blocked handlers, without using the CPU: another process holds the write
    # lock, so creates wait in SQLite's busy handler (up to 5 s, then 503).
    (echo "BEGIN IMMEDIATE;"; sleep $((STALL_S + 3)); echo "ROLLBACK;") |
        sqlite3 "$tmp/run.isms" &
    bg_pids=$!
    sleep 0.5
    i=0
    while [ "$i" -lt "$SLOW_HANDLERS" ]; do
        wrk -t1 -c1 -d$((STALL_S + 2))s --timeout 10s -H "$AUTH" -s "$LUA" "$base" >/dev/null 2>&1 &
        bg_pids="$bg_pids $!"
        i=$((i + 1))
        sleep 0.3
    done
    wrk_run 1 "$STALL_S" "$get"
    report "stall: GET, $SLOW_HANDLERS blocked creates" 1 0
    for p in $bg_pids; do
        wait "$p" || true
    done
    bg_pids=""
}

echo "bench-api: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$POSTGRES" = 1 ]; then
    pg_dir=$(mktemp -u /tmp/isms-bench-pg-XXXXXX)
    BASE_DB=$("$CLUSTER" start "$pg_dir" --durable) || die "the PostgreSQL cluster did not start"
    PG_ADMIN="postgresql:///postgres?host=$pg_dir&user=postgres"
    pg_version=$(psql -X -A -t "$PG_ADMIN" -c 'SHOW server_version')
    pg_fsync=$(psql -X -A -t "$PG_ADMIN" -c 'SHOW fsync')
    echo "bench-api: store PostgreSQL $pg_version in $pg_dir (Unix socket), fsync $pg_fsync"
else
    BASE_DB=$tmp/base.isms
    echo "bench-api: store SQLite"
fi
"$BENCH_STORE" --keep "$BASE_DB" --records "$RECORDS"
MIDDLE=$(((RECORDS + 1) / 2)) # bench-store checked RECORDS
# A user and an API token for every request (the first user of the ISMS is an admin).
echo "bench password 1" | "$ISMS" --db "$BASE_DB" user add bench --role admin,manager \
    --password-stdin --hash-cost test >/dev/null
ISMS_TOKEN=$("$ISMS" --db "$BASE_DB" token create --label bench-api)
export ISMS_TOKEN # create.lua reads it
AUTH="Authorization: Bearer $ISMS_TOKEN"
echo "bench-api: wrk on 127.0.0.1, ${DURATION} s per figure; targets at 4 connections:" \
    ">= $TARGET_LIST list pages/s, >= $TARGET_GET gets/s, p50 < $TARGET_P50_MS ms, RSS < $TARGET_RSS_MB MB"

for mode in $MODES; do
    case "$mode" in
        default) label="the default threading" ;;
        0) label="a thread per connection (--threads 0)" ;;
        *) label="a pool of $mode threads (--threads $mode)" ;;
    esac
    echo "== $label"
    start_server "$mode"
    # Warm-up: SQLite's page cache and the statement caches.
    wrk -t2 -c4 -d2s -H "$AUTH" "$base" >/dev/null 2>&1 || true
    wrk -t2 -c4 -d1s -H "$AUTH" "$base/ISS-$MIDDLE" >/dev/null 2>&1 || true
    for c in 1 4; do
        wrk_run "$c" "$DURATION" "$base"
        report "list (first page, 50 rows)" "$c" "$TARGET_LIST"
    done
    for c in 1 4; do
        wrk_run "$c" "$DURATION" "$base/ISS-$MIDDLE"
        report "get (one record by id)" "$c" "$TARGET_GET"
    done
    for c in 1 4; do
        wrk_run "$c" "$DURATION" "$base" "$LUA"
        report "create" "$c" 0
    done
    # The web pages of the same records (HTML; no targets of their own yet).
    wrk_run 4 "$DURATION" "$page_base"
    report "page: list (50 rows, count)" 4 0
    wrk_run 4 "$DURATION" "$page_base/ISS-$MIDDLE"
    report "page: record detail" 4 0
    hwm=$(vm_hwm_kb "$server_pid")
    awk -v kb="$hwm" -v t="$TARGET_RSS_MB" 'BEGIN {
        printf "  %-30s %.1f MB  [< %d MB: %s]\n", "peak RSS (VmHWM)", kb / 1024, t,
               kb / 1024 < t ? "PASS" : "MISS" }'
    if [ "$STALL" = 1 ]; then
        stall_test
        hwm=$(vm_hwm_kb "$server_pid")
        awk -v kb="$hwm" 'BEGIN { printf "  %-30s %.1f MB\n", "peak RSS after the stall test", kb / 1024 }'
    fi
    lines=$(wc -l <"$tmp/access.log")
    echo "  ($lines access log lines)"
    stop_server
done
echo "bench-api: load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
