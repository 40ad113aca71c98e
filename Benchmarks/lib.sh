# Shell functions the PostgreSQL benchmarks share; sourced (`. Benchmarks/lib.sh`) from the
# repository's root, never run on its own.

# Runs a server tool as the unprivileged postgres user when root (initdb and pg_ctl refuse root).
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Starts a throw-away cluster in DIR with durable settings (the test cluster runs without
# fsync; a benchmark runs as a server would), stops it when the script exits, and sets
# bench_pg_url to the URL of its rapport_test database. Not in `$(…)`: the trap must be the
# script's own, not a subshell's.
bench_pg_start() { # DIR
  local dir="$1" bindir
  bench_pg_url="$(scripts/pg-test-cluster.sh start "$dir")"
  # shellcheck disable=SC2064 # the directory is known now
  trap "scripts/pg-test-cluster.sh stop '$dir' >/dev/null 2>&1 || true" EXIT
  as_pg psql -h "$dir" -U postgres -v ON_ERROR_STOP=1 -q -d postgres <<'SQL'
ALTER SYSTEM SET fsync = on;
ALTER SYSTEM SET synchronous_commit = on;
ALTER SYSTEM SET full_page_writes = on;
ALTER SYSTEM SET shared_buffers = '2GB';
ALTER SYSTEM SET max_wal_size = '8GB';
ALTER SYSTEM SET work_mem = '64MB';
ALTER SYSTEM SET maintenance_work_mem = '1GB';
SQL
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w restart >/dev/null
}

# The SQL of the table psql's \copy loads events into, shaped as the store's: 8 hash
# partitions and the store's 3 indexes on events.
raw_events_sql() {
  cat <<'SQL'
CREATE TABLE raw_events(event_id text, customer_id text, timestamp text, type text, product_id text,
    quantity integer, amount double precision, channel text, gift text, gift_note text) PARTITION BY HASH (customer_id);
SELECT format('CREATE TABLE raw_events_p%s PARTITION OF raw_events FOR VALUES WITH (MODULUS 8, REMAINDER %s)', i, i)
FROM generate_series(0, 7) i \gexec
CREATE UNIQUE INDEX ON raw_events(customer_id, event_id);
CREATE INDEX ON raw_events(customer_id, timestamp);
CREATE INDEX ON raw_events(event_id);
SQL
}
