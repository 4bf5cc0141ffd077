#!/usr/bin/env python3
"""Yardstick for `pcn-atlas propose`: spopt's max-p regions on the same areas, scored with the
same objective.

spopt's MaxPHeuristic (Wei, Rey and Knaap 2021) groups contiguous areas into as many regions
as possible such that each region's sum of a threshold attribute reaches a floor, then
minimises within-region dissimilarity of the given attributes. Here the areas, their adjacency
and the drive times come from the `problem.json` that `pcn-atlas propose --export-problem`
writes, so both tools see the same graph:

  * threshold attribute = registered list size of the practices standing in each area (the PCN
    population is the member practices' list sizes), floor = the band minimum (30,000);
  * attributes = area centroid easting/northing in km (compact regions);
  * max-p has no ceiling: regions above the band maximum are counted, not prevented.

Both partitions are then scored by the objective `propose` minimises: Σ residents × minutes
from each area to its region's hub (the 1-median member practice, list-size weighted, as
`analyse` picks it) + λ × staff-tour minutes (shortest closed tour from the hub through every
member: Held–Karp, exact up to 15 sites like pcn-atlas; nearest neighbour + 2-opt above). A
practice belongs to the region of the area it stands in, as in `propose`.

Requirements (not a project dependency):
    pip install --quiet spopt libpysal geopandas

Usage:
    pcn-atlas propose --dataset data/demo --rural-waiver --export-problem --out out/demo-propose
    python3 scripts/propose_spopt.py out/demo-propose [--seed 1] [--json out/spopt.json] \
        [--construction 99] [--sa 10]

It reads DIR/problem.json and DIR/footprints.csv (pcn-atlas's proposal), runs max-p (timed),
and prints the objective, region count, regions in/below/above the band, and the run time of
each, side by side. pcn-atlas's run time is in DIR/proposal.json's command; time it with
`/usr/bin/time`.
"""

import argparse
import csv
import json
import sys
import time
from itertools import combinations


def held_karp(d, n):
    """Shortest closed tour from site 0 through sites 1..n-1 on matrix d (seconds)."""
    if n <= 1:
        return 0.0
    m = n - 1
    INF = float("inf")
    dp = {}
    for j in range(m):
        dp[(1 << j, j)] = d[0][j + 1]
    for size in range(2, m + 1):
        for subset in combinations(range(m), size):
            mask = 0
            for j in subset:
                mask |= 1 << j
            for j in subset:
                prev = mask ^ (1 << j)
                best = INF
                for k in subset:
                    if k != j:
                        v = dp[(prev, k)] + d[k + 1][j + 1]
                        if v < best:
                            best = v
                dp[(mask, j)] = best
    full = (1 << m) - 1
    return min(dp[(full, j)] + d[j + 1][0] for j in range(m))


def heuristic_tour(d, n):
    order = [0]
    left = set(range(1, n))
    while left:
        last = order[-1]
        nxt = min(left, key=lambda j: (d[last][j], j))
        order.append(nxt)
        left.remove(nxt)

    def cost(o):
        return sum(d[o[i]][o[(i + 1) % len(o)]] for i in range(len(o)))

    best = cost(order)
    improved = True
    while improved:
        improved = False
        for i in range(1, n - 1):
            for j in range(i + 1, n):
                o = order[:i] + order[i : j + 1][::-1] + order[j + 1 :]
                c = cost(o)
                if c < best - 1e-9:
                    order, best, improved = o, c, True
    return best


def score(pb, labels):
    """Objective, and per-region (list size, practices, areas) of a labelling."""
    ap = pb["area_practice_s"]
    pp = pb["practice_practice_s"]
    lists = pb["practice_list"]
    regions = {}
    for a, l in enumerate(labels):
        regions.setdefault(l, {"areas": [], "practices": []})["areas"].append(a)
    for p, a in enumerate(pb["practice_area"]):
        regions[labels[a]]["practices"].append(p)
    total = 0.0
    out = []
    for l in sorted(regions):
        r = regions[l]
        members = sorted(r["practices"])
        lst = sum(lists[p] for p in members)
        if not members:
            out.append((lst, 0, len(r["areas"])))
            continue
        w = [float(lists[p]) for p in members]
        tw = sum(w)
        best = None
        for ci, c in enumerate(members):
            row = [0.0 if c == m else pp[c][m] for m in members]
            mean = sum(t * x for t, x in zip(row, w)) / tw if tw > 0 else sum(row) / len(row)
            key = (mean, max(row), ci)
            if best is None or key < best:
                best = key
        h = best[2]
        hub = members[h]
        patient_s = sum(pb["population"][a] * ap[a][hub] for a in r["areas"])
        sites = [hub] + [m for m in members if m != hub]
        d = [[0.0 if i == j else pp[i][j] for j in sites] for i in sites]
        n = len(sites)
        tour = held_karp(d, n) if n <= 15 else heuristic_tour(d, n)
        total += patient_s / 60.0 + pb["lambda"] * tour / 60.0
        out.append((lst, len(members), len(r["areas"])))
    return total, out


def summarise(name, pb, labels, seconds):
    obj, regions = score(pb, labels)
    lo, hi = pb["band_min"], pb["band_max"]
    below = sum(1 for r in regions if r[0] < lo)
    above = sum(1 for r in regions if r[0] > hi)
    return {
        "method": name,
        "objective": round(obj, 1),
        "regions": len(regions),
        "within_band": len(regions) - below - above,
        "below_band": below,
        "above_band": above,
        "seconds": None if seconds is None else round(seconds, 3),
        "list_sizes": sorted(r[0] for r in regions),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", help="a `pcn-atlas propose --export-problem` output folder")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="also write the comparison here")
    ap.add_argument(
        "--construction", type=int, default=99, help="max_iterations_construction (spopt default 99)"
    )
    ap.add_argument("--sa", type=int, default=10, help="max_iterations_sa (spopt default 10)")
    args = ap.parse_args()
    pb = json.load(open(f"{args.dir}/problem.json"))
    code_index = {c: i for i, c in enumerate(pb["areas"])}
    ours = [0] * len(pb["areas"])
    with open(f"{args.dir}/footprints.csv", newline="") as f:
        for row in csv.DictReader(f):
            ours[code_index[row["area_code"]]] = row["pcn_code"]

    import geopandas as gpd
    import libpysal
    import numpy as np
    from shapely.geometry import Point
    from spopt.region import MaxPHeuristic

    n = len(pb["areas"])
    area_list = [0] * n
    for p, a in enumerate(pb["practice_area"]):
        area_list[a] += pb["practice_list"][p]
    gdf = gpd.GeoDataFrame(
        {
            "x_km": [c[0] / 1000 for c in pb["centroid_bng"]],
            "y_km": [c[1] / 1000 for c in pb["centroid_bng"]],
            "list_size": area_list,
        },
        geometry=[Point(c) for c in pb["centroid_bng"]],
        crs="EPSG:27700",
    )
    w = libpysal.weights.W({i: list(nb) for i, nb in enumerate(pb["neighbours"])}, silence_warnings=True)
    np.random.seed(args.seed)
    import random

    random.seed(args.seed)
    t = time.perf_counter()
    model = MaxPHeuristic(
        gdf,
        w,
        ["x_km", "y_km"],
        "list_size",
        pb["band_min"],
        top_n=2,
        max_iterations_construction=args.construction,
        max_iterations_sa=args.sa,
    )
    model.solve()
    spopt_s = time.perf_counter() - t
    rows = [
        summarise("pcn-atlas propose", pb, ours, None),
        summarise("spopt MaxPHeuristic", pb, [int(x) for x in model.labels_], spopt_s),
    ]
    print(f"{'method':<22} {'objective':>12} {'regions':>7} {'in band':>7} {'below':>5} {'above':>5} {'seconds':>8}")
    for r in rows:
        s = "" if r["seconds"] is None else f"{r['seconds']:.3f}"
        print(
            f"{r['method']:<22} {r['objective']:>12.0f} {r['regions']:>7} {r['within_band']:>7} "
            f"{r['below_band']:>5} {r['above_band']:>5} {s:>8}"
        )
    if args.json:
        json.dump(rows, open(args.json, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
