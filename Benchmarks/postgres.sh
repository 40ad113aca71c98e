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

. Benchmarks/lib.sh
bench_pg_start "$dir"
base="$bench_pg_url"
psql_() { as_pg psql -h "$dir" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
psql_ -d postgres -c "CREATE DATABASE rapport_bench"
url="${base/rapport_test/rapport_bench}"
export RAPPORT_LOG=bench-data/postgres.log

echo "== customers and events import (then the import's refresh)"
timed $bin import --store "$url" "$data/customers.csv" "$data/base-events.csv"

echo "== psql \\copy of the same events file, 8 hash partitions, 3 indexes"
cp "$data/base-events.csv" "$dir/events.csv" && chmod 644 "$dir/events.csv"
raw_events_sql | psql_ -d rapport_bench
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
