#!/usr/bin/env python3
"""Checks `rapport eval clv --per-customer FILE` against the lifetimes library, customer by
customer: fits lifetimes' BetaGeoFitter and ModifiedBetaGeoFitter on the same (x, tx, T) and
prints each model's parameters, the largest differences in P(alive) and expected holdout
purchases, lifetimes' per-customer error against the holdout, and the one-time buyers' holdout
purchases against what each side predicts for them. Needs `pip install lifetimes` (0.11.3).

    rapport eval clv --store bench-data/cdnow.sqlite --calibration-end 1997-09-30 \\
        --holdout-end 1998-06-30 --per-customer /tmp/clv.csv
    python3 scripts/check-clv-lifetimes.py /tmp/clv.csv 39.0
"""
import csv
import sys

import numpy as np
from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter

path, horizon = sys.argv[1], float(sys.argv[2])
rows = list(csv.DictReader(open(path)))
for name, fitter in [("bgnbd", BetaGeoFitter), ("mbgnbd", ModifiedBetaGeoFitter)]:
    mine = [r for r in rows if r["model"] == name]
    x = np.array([float(r["x"]) for r in mine])
    tx = np.array([float(r["tx"]) for r in mine])
    T = np.array([float(r["T"]) for r in mine])
    m = fitter(penalizer_coef=0.0).fit(x, tx, T)
    alive = np.asarray(m.conditional_probability_alive(x, tx, T), dtype=float)
    expected = np.asarray(m.conditional_expected_number_of_purchases_up_to_time(horizon, x, tx, T), dtype=float)
    ours_alive = np.array([float(r["p_alive"]) for r in mine])
    ours_expected = np.array([float(r["expected_holdout"]) for r in mine])
    print(
        f"{name}: {len(mine)} customers; lifetimes r {m.params_['r']:.4f} alpha {m.params_['alpha']:.4f} "
        f"a {m.params_['a']:.4f} b {m.params_['b']:.4f}; predicted holdout {expected.sum():.1f} (Rapport "
        f"{ours_expected.sum():.1f}); max |ΔP(alive)| {np.abs(alive - ours_alive).max():.2e}, "
        f"max |Δexpected| {np.abs(expected - ours_expected).max():.2e}")
    actual = np.array([float(r["actual_holdout"]) for r in mine])
    once = x == 0
    print(
        f"  lifetimes per customer MAE {np.abs(expected - actual).mean():.4f} RMSE "
        f"{np.sqrt(((expected - actual) ** 2).mean()):.4f}; {once.sum()} one-time buyers made "
        f"{actual[once].sum():.0f} holdout purchases, lifetimes predicts {expected[once].sum():.1f} "
        f"(Rapport {ours_expected[once].sum():.1f})")
