#!/usr/bin/env bash
# The PostgreSQL rows of docs/benchmarks.md: the shop reference files (made by
# Benchmarks/reference.sh) into a local PostgreSQL over its Unix socket, with durable settings,
# against psql's own \copy of the same events file. About 15 minutes and 25 GB of disk.
# Usage: Benchmarks/postgres.sh [CLUSTER_DIR]   (default /tmp/rapport-pgbench; stopped at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
data=bench-data/shop1m
dir="${1:-/tmp/rapport-pgbench}"
[ -f "$data/base-events.csv" ] || { echo "run Benchmarks/reference.sh first (it makes $data)" >&2; exit 1; }
swift build -c release >/dev/null
bin=.build/release/rapport
timed() { /usr/bin/time -f "  %e s wall, %M KB peak" "$@"; }

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
base="$(scripts/pg-test-cluster.sh start "$dir")"
trap 'scripts/pg-test-cluster.sh stop "$dir" >/dev/null 2>&1 || true' EXIT
psql_() { as_pg psql -h "$dir" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
# The test cluster runs without fsync; a benchmark runs as a server would.
psql_ -d postgres <<'SQL'
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
psql_ -d postgres -c "CREATE DATABASE rapport_bench"
url="${base/rapport_test/rapport_bench}"
export RAPPORT_LOG=bench-data/postgres.log

echo "== customers and events import (then the import's refresh)"
timed $bin import --store "$url" "$data/customers.csv" "$data/base-events.csv"

echo "== psql \\copy of the same events file, 8 hash partitions, 3 indexes"
cp "$data/base-events.csv" "$dir/events.csv" && chmod 644 "$dir/events.csv"
psql_ -d rapport_bench <<'SQL'
CREATE TABLE raw_events(event_id text, customer_id text, timestamp text, type text, product_id text,
    quantity integer, amount double precision, channel text, gift text, gift_note text) PARTITION BY HASH (customer_id);
SELECT format('CREATE TABLE raw_events_p%s PARTITION OF raw_events FOR VALUES WITH (MODULUS 8, REMAINDER %s)', i, i)
FROM generate_series(0, 7) i \gexec
CREATE UNIQUE INDEX ON raw_events(customer_id, event_id);
CREATE INDEX ON raw_events(customer_id, timestamp);
CREATE INDEX ON raw_events(event_id);
SQL
start=$(date +%s.%N)
psql_ -d rapport_bench -c "\\copy raw_events FROM '$dir/events.csv' CSV HEADER"
echo "  psql \\copy: $(echo "$(date +%s.%N) - $start" | bc -l) s"
psql_ -d rapport_bench -c "DROP TABLE raw_events"
rm -f "$dir/events.csv"

echo "== delta: 10,000 events"
timed $bin import --store "$url" "$data/delta-events.csv"
echo "== explorer (heavy customer: 10,000 events; bench-data/heavy.csv from reference.sh)"
$bin import --store "$url" bench-data/heavy.csv >/dev/null
.build/release/rapport-bench "$url" HEAVY1
echo "== full refresh, twice (the second finds no metric row changed)"
timed $bin refresh --store "$url"
timed $bin refresh --store "$url"
grep "refreshed" "$RAPPORT_LOG" | tail -2
