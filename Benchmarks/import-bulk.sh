#!/usr/bin/env bash
# Issue 23 item 6: rapport's imports against the databases' own bulk loads of the same files
# into tables with the same indexes, for each rapport binary given (a build from before a change
# and one from after), in one session.
# Usage: Benchmarks/import-bulk.sh BIN...   (default .build-release/release/rapport)
# PostgreSQL rows when RAPPORT_BENCH_PG names a server's URL (scripts/pg-test-cluster.sh start DIR
# prints one; its databases are made and dropped here).
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/lib.sh
work=${BENCH_DIR:-bench-data/imp}
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=(.build-release/release/rapport)
mkdir -p "$work"
export RAPPORT_LOG="$work/rapport.log"
if [ ! -f "$work/events.csv" ]; then
  "${bins[0]}" sample --customers 200000 --products 5000 --events-per-customer 10 --out "$work" >/dev/null
fi
# The same events without their ids: the content is then the identity.
[ "$(head -c 9 "$work/events.csv")" = "event_id," ] || { echo "events.csv must start with event_id" >&2; exit 1; }
[ -f "$work/events-noid.csv" ] || cut -d, -f2- "$work/events.csv" > "$work/events-noid.csv"
customers=$(( $(wc -l < "$work/customers.csv") - 1 ))
events=$(( $(wc -l < "$work/events.csv") - 1 ))
echo "customers.csv: $customers rows; events.csv and events-noid.csv: $events rows"
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l; }
seconds() { python3 -c "import json,sys;print(round(json.load(open(sys.argv[1]))[0]['seconds'],2))" "$1"; }

# sqlite3 .import: tables of the file's columns with the store's indexes (the customers' search
# index too, kept by the same trigger the store has), in WAL mode like the store.
sqlite_import() { # NAME CREATE-SQL FILE TABLE
  rm -f "$work/$1.db"*
  local start; start=$(now)
  sqlite3 "$work/$1.db" <<SQL
PRAGMA journal_mode=WAL;
$2
.import --csv --skip 1 $3 $4
SQL
  printf '  sqlite3 .import %-28s %6.2f s\n' "$1" "$(since "$start")"
}
header() { head -1 "$1" | tr -d '\r' | sed 's/,/ TEXT, /g; s/$/ TEXT/'; }
echo "== sqlite3 .import"
sqlite_import customers "CREATE TABLE c($(header "$work/customers.csv"), UNIQUE(customer_id));
CREATE INDEX c_by_name ON c(name COLLATE NOCASE); CREATE INDEX c_by_email ON c(email COLLATE NOCASE);
CREATE VIRTUAL TABLE c_search USING fts5(name, email, customer_id, content='c', tokenize='trigram');
CREATE TRIGGER c_search_insert AFTER INSERT ON c BEGIN
  INSERT INTO c_search(rowid, name, email, customer_id) VALUES (new.rowid, new.name, new.email, new.customer_id); END;" \
  "$work/customers.csv" c
sqlite_import customers-no-search "CREATE TABLE c($(header "$work/customers.csv"), UNIQUE(customer_id));
CREATE INDEX c_by_name ON c(name COLLATE NOCASE); CREATE INDEX c_by_email ON c(email COLLATE NOCASE);" \
  "$work/customers.csv" c
sqlite_import events "CREATE TABLE e($(header "$work/events.csv"));
CREATE UNIQUE INDEX e_identity ON e(customer_id, event_id); CREATE INDEX e_by_customer_time ON e(customer_id, timestamp);
CREATE INDEX e_by_id ON e(event_id);" "$work/events.csv" e
sqlite_import events-noid "CREATE TABLE e($(header "$work/events-noid.csv"));
CREATE INDEX e_by_customer_time ON e(customer_id, timestamp);" "$work/events-noid.csv" e

for bin in "${bins[@]}"; do
  echo "== rapport: $bin (seconds of the import itself, from --json)"
  rm -f "$work/s.sqlite"*
  "$bin" import --store "$work/s.sqlite" --json "$work/customers.csv" > "$work/r.json"
  echo "  customers into an empty store:        $(seconds "$work/r.json") s"
  "$bin" import --store "$work/s.sqlite" --json "$work/products.csv" > /dev/null
  cp "$work/s.sqlite" "$work/s2.sqlite"
  "$bin" import --store "$work/s.sqlite" --json "$work/events.csv" > "$work/r.json"
  echo "  events with ids:                      $(seconds "$work/r.json") s"
  "$bin" import --store "$work/s2.sqlite" --json "$work/events-noid.csv" > "$work/r.json"
  echo "  events without ids:                   $(seconds "$work/r.json") s"
  "$bin" import --store "$work/s2.sqlite" --json "$work/events-noid.csv" > "$work/r.json"
  echo "  the same again (adds nothing):        $(seconds "$work/r.json") s"
  rm -f "$work/s.sqlite"* "$work/s2.sqlite"*
done

[ -n "${RAPPORT_BENCH_PG:-}" ] || exit 0
pg_base="${RAPPORT_BENCH_PG%%\?*}"
pg_base="${pg_base%/*}"
pg_query="${RAPPORT_BENCH_PG#*\?}"
pg_url() { echo "$pg_base/$1?$pg_query"; }
psql_() { psql "$(pg_url "$1")" -v ON_ERROR_STOP=1 -q "${@:2}"; }
echo "== psql \\copy (8 hash partitions, the store's 3 indexes on events)"
psql_ postgres -c "DROP DATABASE IF EXISTS bulk_copy" -c "CREATE DATABASE bulk_copy"
raw_events_sql | psql_ bulk_copy
start=$(now)
psql_ bulk_copy -c "\\copy raw_events($(head -1 "$work/events.csv" | tr -d '\r')) FROM '$work/events.csv' CSV HEADER"
printf '  psql \\copy events                    %6.2f s\n' "$(since "$start")"
psql_ postgres -c "DROP DATABASE bulk_copy"
for bin in "${bins[@]}"; do
  echo "== rapport on PostgreSQL: $bin"
  psql_ postgres -c "DROP DATABASE IF EXISTS bulk_rapport" -c "CREATE DATABASE bulk_rapport"
  "$bin" import --store "$(pg_url bulk_rapport)" --json "$work/customers.csv" > "$work/r.json"
  echo "  customers into an empty store:        $(seconds "$work/r.json") s"
  "$bin" import --store "$(pg_url bulk_rapport)" --json "$work/products.csv" > /dev/null
  "$bin" import --store "$(pg_url bulk_rapport)" --json "$work/events.csv" > "$work/r.json"
  echo "  events with ids:                      $(seconds "$work/r.json") s"
  psql_ postgres -c "DROP DATABASE bulk_rapport"
done
