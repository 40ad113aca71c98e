#!/usr/bin/env bash
# Fetches the CDNOW sample (2,357 customers; Fader, Hardie & Lee 2005) from the
# Lifetimes==0.11.3 wheel on PyPI and converts it to a Rapport events CSV in DIR
# (default bench-data/cdnow). Not committed. Rows carry no event id, as an order-line export:
# the 21 rows that repeat an earlier row are separate orders and import as such.
set -euo pipefail
out=${1:-bench-data/cdnow}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pip download --no-deps --quiet Lifetimes==0.11.3 -d "$tmp"
python3 - "$tmp"/Lifetimes-0.11.3-*.whl "$out" <<'PY'
import csv, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
text = zipfile.ZipFile(wheel).read("lifetimes/datasets/CDNOW_sample.txt").decode()
n = 0
with open(f"{out}/events.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["customer_id", "timestamp", "type", "product_id", "quantity", "amount", "channel"])
    for line in text.splitlines():
        p = line.split()
        if len(p) < 5: continue
        n += 1
        d = p[2]
        w.writerow([f"CD{int(p[0])}", f"{d[:4]}-{d[4:6]}-{d[6:]}", "purchase", "", p[3], p[4], "mail"])
print(f"wrote {n} purchases to {out}/events.csv")
PY
