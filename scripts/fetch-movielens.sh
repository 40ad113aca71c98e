#!/usr/bin/env bash
# Fetches MovieLens 100K from the recbole==1.2.1 wheel on PyPI and converts it to Rapport's
# CSV files in DIR (default bench-data/ml-100k). The data's licence forbids redistribution:
# it is never committed.
set -euo pipefail
out=${1:-bench-data/ml-100k}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pip download --no-deps --quiet recbole==1.2.1 -d "$tmp"
python3 - "$tmp"/recbole-1.2.1-*.whl "$out" <<'PY'
import csv, io, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(wheel)
base = "recbole/dataset_example/ml-100k/"
def rows(name):
    text = z.read(base + name).decode("utf-8", errors="replace")
    lines = text.splitlines()
    header = [h.split(":")[0] for h in lines[0].split("\t")]
    for line in lines[1:]:
        if line.strip():
            yield dict(zip(header, line.split("\t")))
items = list(rows("ml-100k.item"))
with open(f"{out}/products.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["product_id", "title", "category", "brand", "price"])
    for it in items:
        genres = it.get("class", "").split()
        w.writerow([it["item_id"], it.get("movie_title", ""), genres[0] if genres else "", "", "0"])
inter = list(rows("ml-100k.inter"))
inter.sort(key=lambda r: (int(r["timestamp"]), int(r["item_id"])))
with open(f"{out}/events.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["event_id", "customer_id", "timestamp", "type", "product_id", "quantity", "amount", "channel"])
    for n, r in enumerate(inter, 1):
        w.writerow([f"R{n}", f"U{r['user_id']}", r["timestamp"], "rating", r["item_id"], 1, r["rating"], "web"])
print(f"wrote {len(items)} products and {len(inter)} ratings to {out}")
PY
