#!/usr/bin/env bash
# The reference store of docs/benchmarks.md, end to end: 1M customers, ~21M events, 50k
# products from the shop generator, then every budget issue 7 names. Takes about 8 minutes and
# 10 GB of disk under bench-data/ (never committed).
# Usage: Benchmarks/reference.sh            (steps can be skipped: the files are reused)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
bin=.build/release/rapport
data=bench-data/shop1m
export RAPPORT_LOG=bench-data/reference.log
timed() { /usr/bin/time -f "  %e s wall, %M KB peak" "$@"; }

if [ ! -f "$data/events.csv" ]; then
  echo "== generate"
  timed $bin sample --customers 1000000 --products 50000 --events-per-customer 14 --out "$data"
fi
if [ ! -f "$data/delta-events.csv" ]; then
  # 10,000 events of the last five days held out as the delta; the rest is the base.
  python3 - "$data" <<'PY'
import datetime, random, sys
d = sys.argv[1]
with open(f"{d}/events.csv") as fh:
    next(fh); newest = max(line.split(",", 3)[2] for line in fh)
since = (datetime.date.fromisoformat(newest[:10]) - datetime.timedelta(days=5)).isoformat()
with open(f"{d}/events.csv") as fh:
    next(fh); recent = [i for i, line in enumerate(fh) if line.split(",", 3)[2] >= since]
random.seed(7); pick = set(random.sample(recent, 10000))
with open(f"{d}/events.csv") as fh, open(f"{d}/base-events.csv", "w") as base, open(f"{d}/delta-events.csv", "w") as delta:
    header = next(fh); base.write(header); delta.write(header)
    for i, line in enumerate(fh): (delta if i in pick else base).write(line)
PY
fi

echo "== events import creating customers and products: sqlite3 .import vs rapport import"
rm -f bench-data/sqlite-import.db*
start=$(date +%s.%N)
sqlite3 bench-data/sqlite-import.db >/dev/null 2>&1 <<SQL
PRAGMA journal_mode=WAL;
CREATE TABLE events(event_id TEXT, customer_id TEXT, timestamp TEXT, type TEXT, product_id TEXT,
                    quantity INTEGER, amount REAL, channel TEXT, gift TEXT, gift_note TEXT);
CREATE UNIQUE INDEX events_by_id ON events(event_id) WHERE event_id <> '';
CREATE INDEX events_by_customer_time ON events(customer_id, timestamp);
.import --csv --skip 1 $data/events.csv events
SQL
end=$(date +%s.%N)
echo "  sqlite3 .import: $(echo "$end - $start" | bc -l) s"
rm -f bench-data/sqlite-import.db* bench-data/events-only.sqlite*
timed $bin import --store bench-data/events-only.sqlite "$data/events.csv"
rm -f bench-data/events-only.sqlite*

echo "== reference store: customers, products, base events, notes (then the full refresh an import does)"
rm -f bench-data/ref.sqlite*
timed $bin import --store bench-data/ref.sqlite "$data/customers.csv" "$data/products.csv" "$data/base-events.csv" "$data/notes.csv"
echo "== full refresh, twice (the second finds no metric row changed)"
timed $bin refresh --store bench-data/ref.sqlite
timed $bin refresh --store bench-data/ref.sqlite
grep "refreshed" "$RAPPORT_LOG" | tail -1
echo "== delta: 10,000 new events"
timed $bin import --store bench-data/ref.sqlite "$data/delta-events.csv"
grep "delta refresh" "$RAPPORT_LOG" | tail -1
echo "== item model alone, synthetic Zipf baskets of the same size"
.build/release/rapport-bench items --customers 1000000 --products 50000
echo "== explorer (heavy customer: 10,000 events)"
python3 - <<'PY'
import datetime, random
random.seed(3); start = datetime.datetime(2024, 11, 1)
rows = ["event_id,customer_id,timestamp,type,product_id,quantity,amount,channel"]
for i in range(10000):
    t = start + datetime.timedelta(seconds=random.randint(0, 729 * 86400))
    kind = random.choice(["view"] * 6 + ["purchase"] * 2 + ["cart", "click"])
    product = "P%04d" % min(50000, int(random.paretovariate(0.8) * 10))
    amount = "%.2f" % random.uniform(5, 80) if kind == "purchase" else "0"
    rows.append(f"H{i + 1},HEAVY1,{t.isoformat()}Z,{kind},{product},1,{amount},web")
open("bench-data/heavy.csv", "w").write("\n".join(rows) + "\n")
PY
$bin import --store bench-data/ref.sqlite bench-data/heavy.csv >/dev/null
.build/release/rapport-bench bench-data/ref.sqlite HEAVY1
echo "== business metrics: cold (the store's pages evicted from the OS cache), then warm"
python3 Benchmarks/evict-cache.py bench-data/ref.sqlite*
timed $bin metrics --store bench-data/ref.sqlite --json >/dev/null
timed $bin metrics --store bench-data/ref.sqlite --json >/dev/null
python3 Benchmarks/evict-cache.py bench-data/ref.sqlite*
.build/release/rapport-bench metrics bench-data/ref.sqlite 5
