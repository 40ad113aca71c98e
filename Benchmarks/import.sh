#!/usr/bin/env bash
# Import throughput: `rapport import` of an events CSV versus `sqlite3 .import` of the same
# file into a table with the same columns and the same indexes.
# Usage: Benchmarks/import.sh [CUSTOMERS] [EVENTS_PER_CUSTOMER]   (default 86000 × 50 ≈ 5M rows)
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-86000}
per=${2:-50}
work=${BENCH_DIR:-bench-data/import}
mkdir -p "$work"
swift build -c release --product rapport >/dev/null
bin=.build/release/rapport
export RAPPORT_LOG="$work/rapport.log"

if [ ! -f "$work/events.csv" ]; then
  $bin sample --customers "$customers" --events-per-customer "$per" --out "$work" >/dev/null
fi
rows=$(( $(wc -l < "$work/events.csv") - 1 ))
echo "events.csv: $rows rows, $(du -h "$work/events.csv" | cut -f1)"

# sqlite3: same columns, same indexes (unique event id, customer+time), WAL like the store.
rm -f "$work/sqlite.db"*
start=$(date +%s.%N)
sqlite3 "$work/sqlite.db" <<SQL
PRAGMA journal_mode=WAL;
CREATE TABLE events(event_id TEXT, customer_id TEXT, timestamp TEXT, type TEXT, product_id TEXT,
                    quantity INTEGER, amount REAL, channel TEXT, gift TEXT);
CREATE UNIQUE INDEX events_by_id ON events(event_id);
CREATE INDEX events_by_customer_time ON events(customer_id, timestamp);
.import --csv --skip 1 $work/events.csv events
SQL
end=$(date +%s.%N)
sq=$(echo "$end - $start" | bc -l)
printf 'sqlite3 .import + indexes: %.2f s, %.0f rows/s\n' "$sq" "$(echo "$rows / $sq" | bc -l)"

# rapport: customers and products first (not timed), then the events file.
rm -f "$work/store.sqlite"*
$bin import --store "$work/store.sqlite" "$work/customers.csv" "$work/products.csv" >/dev/null
start=$(date +%s.%N)
$bin import --store "$work/store.sqlite" --json "$work/events.csv" > "$work/rapport-import.json"
end=$(date +%s.%N)
total=$(echo "$end - $start" | bc -l)
imp=$(python3 -c "import json;print(json.load(open('$work/rapport-import.json'))[0]['seconds'])")
printf 'rapport import (validation, keys, indexes, one transaction): %.2f s, %.0f rows/s\n' "$imp" "$(echo "$rows / $imp" | bc -l)"
printf 'rapport import command incl. start-up and metric refresh: %.2f s\n' "$total"
