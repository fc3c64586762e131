#!/bin/sh
# A throw-away PostgreSQL cluster for the tests: made in a new temporary
# directory with initdb, listening only on a Unix socket in that directory (no
# TCP), with one database "isms_test". Durability is off (fsync, synchronous
# commit): nothing in it outlives the test run. --durable keeps PostgreSQL's
# defaults instead (fsync, synchronous commit and full page writes on): for
# benchmarks, whose commits should cost what they cost in production.
#
#   scripts/pg-test-cluster.sh start DIR [--durable]
#                                          make and start the cluster in DIR (which must
#                                          not exist); print the URL of its database
#   scripts/pg-test-cluster.sh stop DIR    stop it and remove DIR
#
# As root the server runs as the user postgres (initdb refuses root); otherwise as
# the user who calls. The binaries come from Debian's postgresql package.
set -eu

usage() {
    echo "usage: scripts/pg-test-cluster.sh start DIR [--durable] | stop DIR" >&2
    exit 2
}
[ "$#" -eq 2 ] || [ "$#" -eq 3 ] || usage
dir=$2
durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [ "$#" -eq 3 ]; then
    [ "$1" = start ] && [ "$3" = --durable ] || usage
    durability=""
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "isms: PostgreSQL's server programs are missing (Debian package postgresql)" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$1" in
start)
    # mkdir refuses a path that exists (a planted directory or link); 0700 keeps
    # other local users away from the socket of this trust-authenticated cluster.
    mkdir -m 700 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # Room for the tests' connections: each store holds a small pool.
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -c listen_addresses= $durability -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bindir/createdb" -h "$dir" -U postgres isms_test
    echo "postgresql:///isms_test?host=$dir&user=postgres"
    ;;
stop)
    [ -d "$dir" ] || exit 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
*)
    usage
    ;;
esac
