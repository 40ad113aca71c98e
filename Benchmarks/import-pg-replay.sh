#!/usr/bin/env bash
# Issue 23 item 6: the server's side of a PostgreSQL events import, before and after, replayed
# with psql in one session, alternating.
# Usage: Benchmarks/import-pg-replay.sh URL-OF-A-STORE EVENTS.CSV [ROUNDS]
# The store holds the file's events, customers and products (`rapport import` of them); its
# events become the staged rows (stage_rows as PostgresImport.swift fills it). Each replay runs
# in a transaction that empties the events table and is rolled back: the store is left as it was.
set -euo pipefail
cd "$(dirname "$0")/pg-import-replay"
url=$1; file=$2; rounds=${3:-2}
stage=$(mktemp /tmp/stage-XXXXXX.txt)
trap 'rm -f "$stage"' EXIT
psql "$url" -v ON_ERROR_STOP=1 -q -c "\\copy (SELECT row_number() OVER (ORDER BY e.id)::int, 'e', e.external_id,
  c.external_id, p.external_id, e.type::text, e.time::text, e.quantity::text, e.amount::text, e.channel,
  CASE WHEN e.is_gift THEN '1' ELSE '0' END, e.gift_note, e.content_hash::text, NULL, NULL, NULL, NULL, NULL
  FROM events e JOIN customers c ON c.id = e.customer_id LEFT JOIN products p ON p.id = e.product_id) TO '$stage'"
chmod 644 "$stage" # read by the server process
now() { date +%s.%N; }
for _ in $(seq "$rounds"); do
  for v in before before-built after; do
    s=$(now)
    psql "$url" -v ON_ERROR_STOP=1 -v stage="$stage" -q -f $v.sql > /dev/null
    printf '  %-12s merge (staged rows in, all queries, ANALYZE) %6.2f s\n' $v "$(echo "$(now) - $s" | bc -l)"
  done
done
