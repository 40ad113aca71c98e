#!/usr/bin/env python3
"""Hit rate of the real `rapport recommend` command on held-out interactions.

Holds out each customer's latest event (ties: the later row) from an events CSV, imports the
rest into a new store with the real binary (which tunes the recommender on its own validation
split when the store is small), then asks `rapport recommend --json --k K` for every customer
with at least MIN events and counts how often the held-out product is in the list.

    scripts/heldout-recommend.py RAPPORT_BINARY DATA_DIR [K] [MIN]

DATA_DIR holds products.csv and events.csv (as scripts/fetch-movielens.sh writes them).
"""
import csv, json, os, subprocess, sys, tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

binary, data = sys.argv[1], sys.argv[2]
k = int(sys.argv[3]) if len(sys.argv) > 3 else 10
minimum = int(sys.argv[4]) if len(sys.argv) > 4 else 5

with open(os.path.join(data, "events.csv"), newline="") as f:
    reader = csv.DictReader(f)
    header = reader.fieldnames
    rows = list(reader)
by_customer = defaultdict(list)
for i, r in enumerate(rows):
    by_customer[r["customer_id"]].append((int(r["timestamp"]), i))
held = {}
for c, evs in by_customer.items():
    if len(evs) >= minimum:
        held[c] = max(evs)[1]
held_rows = set(held.values())

work = tempfile.mkdtemp(prefix="rapport-heldout-")
train = os.path.join(work, "events.csv")
with open(train, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=header)
    w.writeheader()
    for i, r in enumerate(rows):
        if i not in held_rows:
            w.writerow(r)
store = os.path.join(work, "store.sqlite")
out = subprocess.run([binary, "import", "--store", store, os.path.join(data, "products.csv"), train],
                     capture_output=True, text=True, check=True).stdout
print(out.strip().splitlines()[-1])

def hit(customer):
    target = rows[held[customer]]["product_id"]
    r = subprocess.run([binary, "recommend", "--store", store, "--json", "--k", str(k), customer],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"rapport recommend {customer} exited {r.returncode}: {r.stderr.strip()}")
    recs = json.loads(r.stdout)
    items = recs["recommendations"] if isinstance(recs, dict) else recs
    return any(x["product_id"] == target for x in items)

with ThreadPoolExecutor(max_workers=2) as pool:
    hits = list(pool.map(hit, sorted(held)))
print(f"customers {len(hits)}  HR@{k} of `rapport recommend` {sum(hits) / len(hits):.4f}")
