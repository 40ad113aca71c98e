#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests: socket only, trust auth, fsync off.
#
#   scripts/pg-test-cluster.sh start DIR   # creates DIR, starts the server, prints the URL to use
#   scripts/pg-test-cluster.sh stop DIR    # stops the server and removes DIR
#   scripts/pg-test-cluster.sh halt DIR    # stops it at once (-m immediate), keeping DIR
#   scripts/pg-test-cluster.sh resume DIR  # starts a halted server again
#
# The URL it prints is what RAPPORT_TEST_POSTGRES expects, e.g.
#   RAPPORT_TEST_POSTGRES="$(scripts/pg-test-cluster.sh start /tmp/rapport-pg)" swift test
# Only the URL goes to stdout; progress goes to stderr.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|halt|resume DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
cmd="$1"
dir="$2"
case "$dir" in
    /*) ;;
    *) dir="$(pwd)/$dir" ;;
esac
# The socket path (DIR/.s.PGSQL.5432) must fit in sun_path (107 bytes).
if [ "${#dir}" -gt 90 ]; then
    echo "$0: DIR is too long for a Unix socket path: $dir" >&2
    exit 2
fi

# The real binaries: /usr/local/bin/initdb may be a wrapper or symlink, and pg_ctl needs its own postgres.
bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    bindir="$(pg_config --bindir)"
else
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ]; then
            bindir="$d"
            break
        fi
    done
fi
if [ -z "$bindir" ]; then
    echo "$0: no PostgreSQL server binaries found (apt-get install postgresql)" >&2
    exit 1
fi

# initdb refuses to run as root: run the server tools as the unprivileged postgres user then.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$cmd" in
    start)
        if [ -e "$dir/data/postmaster.pid" ]; then
            echo "$0: a cluster is already running in $dir" >&2
            echo "postgres://postgres@/rapport_test?host=$dir"
            exit 0
        fi
        mkdir -p "$dir"
        if [ "$(id -u)" -eq 0 ]; then
            chown postgres: "$dir"
        fi
        chmod 755 "$dir"  # the socket lives here; the data dir inside stays 0700
        as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
            >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2
            exit 1
        }
        cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
        as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >&2
        as_pg "$bindir/psql" -h "$dir" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
            -c "CREATE DATABASE rapport_test" >&2
        as_pg "$bindir/psql" -h "$dir" -U postgres -d rapport_test -v ON_ERROR_STOP=1 -q \
            -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" >&2
        echo "postgres://postgres@/rapport_test?host=$dir"
        ;;
    halt)
        # Stops the server at once, as a crash or a pulled cable would (fault tests); DIR stays.
        as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >&2
        ;;
    resume)
        # Starts a halted server again in DIR.
        as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >&2
        ;;
    stop)
        if [ -e "$dir/data/postmaster.pid" ]; then
            as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2
        fi
        rm -rf "$dir"
        ;;
    *)
        usage
        ;;
esac
