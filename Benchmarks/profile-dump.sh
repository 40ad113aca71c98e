#!/bin/sh
# dump.sh BIN STORE OUT: profile, history (today and as of 2026-03-14) and a gift dry-run, as JSON,
# for every 40th customer of the store plus HEAVY-like ones given in $EXTRA, into OUT.
set -u
bin=$1; store=$2; out=$3
mkdir -p "$out"
ids=$(sqlite3 "$store" "SELECT external_id FROM customers ORDER BY id" | awk 'NR % 40 == 1')
for id in $ids ${EXTRA:-}; do
  "$bin" profile --store "$store" "$id" --json > "$out/$id.profile.json" 2>&1
  "$bin" history --store "$store" "$id" --json --limit 100000 > "$out/$id.history.json" 2>&1
  "$bin" history --store "$store" "$id" --json --limit 100000 --as-of 2026-03-14 > "$out/$id.history-asof.json" 2>&1
  "$bin" profile --store "$store" "$id" --json --as-of 2026-03-14 > "$out/$id.profile-asof.json" 2>&1
  ev=$(sqlite3 "$store" "SELECT coalesce(e.external_id, '#' || e.id) FROM events e JOIN customers c ON c.id = e.customer_id WHERE c.external_id = '$id' AND e.type = 0 ORDER BY e.time LIMIT 1")
  [ -n "$ev" ] && "$bin" gift --store "$store" "$ev" --dry-run --json > "$out/$id.gift.json" 2>&1
done
ls "$out" | wc -l
