#!/usr/bin/env python3
"""A reference pipeline for `pcn-atlas analyse` in Python (issue 5): networkx
drive times + pandas/numpy aggregation on the same exported graph, compared
number by number with our outputs.

Install:  pip install --quiet networkx numpy pandas     (numpy >= 2.0 for weighted quantiles)
Run (from the repo root):
  cargo build --release --example rutland_analyse_export
  target/release/pcn-atlas import --from ../shared/data/england --lad E06000017 --out /tmp/py-rut
  target/release/pcn-atlas analyse --dataset /tmp/py-rut \
      --roads ../shared/data/rutland/rutland-2022-07.osm.pbf --out /tmp/py-rut-an
  target/release/examples/rutland_analyse_export /tmp/py-rut \
      ../shared/data/rutland/rutland-2022-07.osm.pbf target/analyse_export
  python3 scripts/analyse_reference.py /tmp/py-rut target/analyse_export /tmp/py-rut-an

Arguments: the dataset folder (practices.csv, registrations.csv), the export
folder (edges.npy, anchors.npy, snaps.csv from the example), and the
`analyse --out` folder (report.json, pcns.geojson, areas.geojson,
practices.geojson).

Definitions (docs/methods.md), recomputed independently here:
- time between two sites, seconds: 0 from a site to itself, else
  off_road_s(a) + network_ms / 1000 + off_road_s(b), network_ms from
  networkx Dijkstra with the snapped points as virtual nodes
  (scripts/nx_snapgraph.py);
- hub: 1-median, the member minimising the list-size weighted mean time
  hub -> member (ties: smaller worst time, then member order by code);
  1-centre: the member minimising the worst time (ties: weighted mean, order);
- staff: worst hub -> member time and that member, list-size weighted mean
  hub -> member time (the hub counted at 0);
- tour: brute force over every order of the members after the hub;
  visits per day: the most sites (hub included) whose shortest closed tour
  plus 60 min on site at each fits in 7.5 h, brute force over subsets;
- patients: one sample per registrations.csv row of a member practice with
  patients > 0, weighted by patients: area centroid -> registered practice,
  -> nearest member, -> hub; weighted mean, numpy quantile(weights=,
  method="inverted_cdf") for median and p90, max, shares strictly over
  15/30/45 min (pandas); excess = mean to practice - mean to nearest;
  patient-minutes per 1,000 = mean to practice x 1000;
- per area: minutes to the nearest member, to the hub, and the patient
  weighted mean to the registered practice;
- drive findings with the default limits: HUB_IMPRACTICAL (worst hub time
  over 30 min), SHARED_ROLE_IMPRACTICAL (tour over 120 min),
  PATIENT_ACCESS_BURDEN (over 20 % of patients over 30 min from the hub),
  RURAL_ACCESS_RISK (our check's RURAL and any of those).

Numbers are compared after our output rounding (minutes to 2 decimals,
shares and gap to 4, patient-minutes to 0, Rust's round half away from
zero). The `*_slow` properties come from the same pipeline on the export's
`slow/` folder (every road speed x 0.8, a second analysis with its own hub).
Timed: free flow alone, and with the slower scenario. Prints a table ours
vs reference and the timings; exit code 1 on any difference.
"""

import csv
import itertools
import json
import math
import os
import sys
import time

import numpy as np
import pandas as pd

from nx_snapgraph import SnapGraph

THRESHOLDS_MIN = [15.0, 30.0, 45.0]
PATIENT_MAX_MIN = 30.0  # --patient-max-min, one of THRESHOLDS_MIN
PATIENT_SHARE_MAX = 0.2  # --patient-share-max
HUB_MAX_MIN = 30.0  # --hub-max-min
TOUR_MAX_MIN = 120.0  # --tour-max-min
DRIVE_FLAGS = ["HUB_IMPRACTICAL", "SHARED_ROLE_IMPRACTICAL", "PATIENT_ACCESS_BURDEN",
               "RURAL_ACCESS_RISK"]
DAY_S = 7.5 * 3600.0
ON_SITE_S = 60.0 * 60.0


def rust_round(v, scale):
    """(v * scale).round() / scale with Rust's round half away from zero."""
    if v is None or not math.isfinite(v):
        return v
    r = v * scale
    a = abs(r)
    f = math.floor(a)
    if a - f >= 0.5:
        f += 1
    return math.copysign(f, r) / scale + 0.0


def min2(v):
    return rust_round(v, 100.0)


def share4(v):
    return rust_round(v, 1e4)


class Times:
    """Site-to-site seconds on the networkx graph."""

    def __init__(self, sg):
        self.sg = sg
        self.snap = {}
        self.off_road_s = {}
        for r in sg.snaps:
            if r["snap"] != "":
                self.snap[r["code"]] = int(r["snap"])
                self.off_road_s[r["code"]] = float(r["off_road_s"])

    def seconds(self, a, b):
        if a == b:
            return 0.0
        if a not in self.snap or b not in self.snap:
            return math.inf
        ms = self.sg.network_ms(self.snap[a], self.snap[b])
        if ms is None:
            return math.inf
        return self.off_road_s[a] + ms / 1000.0 + self.off_road_s[b]


def hub_choice(members, rows, weights):
    """Indices of the 1-median and the 1-centre (rows[c][m] = seconds c -> m)."""
    total_w = sum(weights)
    scores = []
    for c, row in enumerate(rows):
        if not all(math.isfinite(t) for t in row):
            continue
        weighted = sum(t * w for t, w in zip(row, weights))
        mean = weighted / total_w if total_w > 0 else sum(row) / len(row)
        scores.append((c, mean, max([0.0] + row)))
    median = min(scores, key=lambda s: (s[1], s[2], s[0]))
    centre = min(scores, key=lambda s: (s[2], s[1], s[0]))
    return median[0], centre[0]


def closed_tour(d, stops):
    """Shortest closed tour 0 -> every stop -> 0 by brute force: (s, order)."""
    best = (math.inf, None)
    for perm in itertools.permutations(stops):
        order = (0,) + perm
        s = sum(d[order[k]][order[k + 1]] for k in range(len(order) - 1)) + d[order[-1]][0]
        if s < best[0]:
            best = (s, list(order))
    return best


def visits_per_day(d, k):
    best = 0
    for r in range(0, k):
        for subset in itertools.combinations(range(1, k), r):
            s, _ = closed_tour(d, subset)
            sites = r + 1
            if s + sites * ON_SITE_S <= DAY_S:
                best = max(best, sites)
    return best


def weighted_summary(df, col):
    """Weighted mean, inverted-CDF median and p90, max and shares over the
    thresholds of df[col] (minutes) with weights df.w."""
    w = df["w"].to_numpy(dtype=float)
    v = df[col].to_numpy(dtype=float)
    total = w.sum()
    out = {
        "weight": total,
        "mean": float((v * w).sum() / total),
        "median": float(np.quantile(v, 0.5, weights=w, method="inverted_cdf")),
        "p90": float(np.quantile(v, 0.9, weights=w, method="inverted_cdf")),
        "max": float(v[w > 0].max()),
    }
    for t in THRESHOLDS_MIN:
        out[f"over_{t:.0f}"] = float(df.loc[df[col] > t, "w"].sum() / total)
    return out


def reference(dataset, times):
    """Every number of every PCN, keyed like our outputs."""
    practices = pd.read_csv(f"{dataset}/practices.csv", dtype={"list_size": "Int64"})
    regs = pd.read_csv(f"{dataset}/registrations.csv")
    res = {}
    for pcn, grp in practices.groupby("pcn_code", sort=True):
        grp = grp.sort_values("practice_code")
        members = [c for c in grp["practice_code"] if c in times.snap]
        size = dict(zip(grp["practice_code"], grp["list_size"].fillna(0).astype(float)))
        n = len(members)
        matrix = [[times.seconds(a, b) for b in members] for a in members]
        weights = [size[m] for m in members]
        med, cen = hub_choice(members, matrix, weights)
        hub = members[med]
        sites = [hub] + [m for m in members if m != hub]
        d = [[times.seconds(a, b) for b in sites] for a in sites]
        from_hub = d[0]
        worst, far = 0.0, None
        for j, s in enumerate(sites):
            if far is None or from_hub[j] > worst:
                worst, far = from_hub[j], s
        staff_mean = sum(size[s] * t for s, t in zip(sites, from_hub)) / sum(size[s] for s in sites)
        tour_s, order = closed_tour(d, range(1, len(sites)))
        p = {
            "matrix_min": [[min2(t / 60.0) for t in row] for row in matrix],
            "matrix_practices": members,
            "hub_practice": hub,
            "median_hub": members[med],
            "centre_hub": members[cen],
            "practices_routable": n,
            "staff_max_min": min2(worst / 60.0),
            "staff_farthest_practice": far,
            "staff_mean_min": min2(staff_mean / 60.0),
            "staff_tour_min": min2(tour_s / 60.0),
            "staff_tour_order": [sites[i] for i in order],
            "visits_per_day": visits_per_day(d, len(sites)),
            "staff_tour_exact": True,
            "staff_tour_gap": 0.0,
            "practices_unroutable": len(grp) - n,
            "hub_rule": "median",
            "minutes_from_hub": {s: min2(t / 60.0) for s, t in zip(sites, from_hub)},
        }

        # Patients: one sample per (area, practice) registration row.
        r = regs[regs["practice_code"].isin(members) & (regs["patients"] > 0)].copy()
        r = r.rename(columns={"patients": "w"})
        areas = sorted(r["area_code"].unique())
        at = pd.DataFrame(
            [(a, m, times.seconds(a, m) / 60.0) for a in areas for m in members],
            columns=["area_code", "practice_code", "min"],
        )
        nearest = at.groupby("area_code")["min"].min().rename("to_nearest")
        to_hub = at[at["practice_code"] == hub].set_index("area_code")["min"].rename("to_hub")
        r = r.merge(at.rename(columns={"min": "to_practice"}), on=["area_code", "practice_code"])
        r = r.join(nearest, on="area_code").join(to_hub, on="area_code")
        # Rows with any time infinite are unroutable: counted, not averaged.
        finite = np.isfinite(r[["to_practice", "to_nearest", "to_hub"]]).all(axis=1)
        unroutable = float(r.loc[~finite, "w"].sum())
        r = r[finite]
        sp = weighted_summary(r, "to_practice")
        sn = weighted_summary(r, "to_nearest")
        sh = weighted_summary(r, "to_hub")
        p["_raw"] = {"staff_max_min": worst / 60.0, "tour_min": tour_s / 60.0,
                     "share_over_limit": sh[f"over_{PATIENT_MAX_MIN:.0f}"]}
        p.update({
            "patients_basis": "registrations",
            "patients": sp["weight"],
            "patients_unroutable": unroutable,
            "patients_mean_min_to_practice": min2(sp["mean"]),
            "patients_median_min_to_practice": min2(sp["median"]),
            "patients_p90_min_to_practice": min2(sp["p90"]),
            "patients_max_min_to_practice": min2(sp["max"]),
            "patients_mean_min_to_nearest": min2(sn["mean"]),
            "patients_excess_mean_min": min2(sp["mean"] - sn["mean"]),
            "patient_minutes_per_1000": rust_round(sp["mean"] * 1000.0, 1.0),
            "patients_mean_min_to_hub": min2(sh["mean"]),
            "patients_median_min_to_hub": min2(sh["median"]),
            "patients_p90_min_to_hub": min2(sh["p90"]),
            "patients_max_min_to_hub": min2(sh["max"]),
        })
        for t in THRESHOLDS_MIN:
            p[f"patients_share_over_{t:.0f}_min_to_hub"] = share4(sh[f"over_{t:.0f}"])
        r["wt"] = r["w"] * r["to_practice"]
        g = r.groupby("area_code").agg(wt=("wt", "sum"), w=("w", "sum"))
        mean_prac = (g["wt"] / g["w"]).to_dict()
        p["areas"] = {
            a: {
                "minutes_to_nearest_member": min2(nearest[a]),
                "minutes_to_hub": min2(to_hub[a]),
                "mean_minutes_to_practice": min2(mean_prac[a]),
            }
            for a in areas
        }
        res[pcn] = p
    return res


def compare(ref, out_dir):
    with open(f"{out_dir}/report.json") as f:
        report = json.load(f)
    with open(f"{out_dir}/pcns.geojson") as f:
        pcns = {ft["properties"]["pcn_code"]: ft["properties"] for ft in json.load(f)["features"]}
    with open(f"{out_dir}/areas.geojson") as f:
        areas = {ft["properties"]["area_code"]: ft["properties"] for ft in json.load(f)["features"]}
    with open(f"{out_dir}/practices.geojson") as f:
        pracs = {ft["properties"]["practice_code"]: ft["properties"]
                 for ft in json.load(f)["features"]}
    matrices = {m["pcn_code"]: m for m in report["drive"]["matrices"]}
    rows = []  # (what, ours, reference)
    for pcn, p in ref.items():
        m = matrices.get(pcn, {})
        rows.append((f"{pcn} matrix practices", m.get("practices"), p["matrix_practices"]))
        for i, a in enumerate(p["matrix_practices"]):
            for j, b in enumerate(p["matrix_practices"]):
                ours = m.get("minutes", [[None] * len(p["matrix_practices"])] * (i + 1))[i][j]
                rows.append((f"{pcn} minutes {a}->{b}", ours, p["matrix_min"][i][j]))
        props = pcns.get(pcn, {})
        for k, v in p.items():
            if k in ("matrix_min", "matrix_practices", "areas", "minutes_from_hub", "_raw"):
                continue
            rows.append((f"{pcn} {k}", props.get(k), v))
        # Drive findings from the unrounded numbers; RURAL is check's, taken from ours.
        raw, flags = p["_raw"], []
        if raw["staff_max_min"] > HUB_MAX_MIN:
            flags.append("HUB_IMPRACTICAL")
        if raw["tour_min"] > TOUR_MAX_MIN:
            flags.append("SHARED_ROLE_IMPRACTICAL")
        if raw["share_over_limit"] > PATIENT_SHARE_MAX:
            flags.append("PATIENT_ACCESS_BURDEN")
        if flags and "RURAL" in props.get("flags", []):
            flags.append("RURAL_ACCESS_RISK")
        ours = [f for f in props.get("flags", []) if f in DRIVE_FLAGS]
        rows.append((f"{pcn} drive flags", ours, flags))
        for code, v in p["minutes_from_hub"].items():
            rows.append((f"{pcn} {code} minutes_from_hub", pracs.get(code, {}).get("minutes_from_hub"), v))
        for a, vals in p["areas"].items():
            for k, v in vals.items():
                rows.append((f"{a} {k}", areas.get(a, {}).get(k), v))
    return rows


def main(dataset, export, out_dir):
    t0 = time.perf_counter()
    sg = SnapGraph(export)
    times = Times(sg)
    graph_s = time.perf_counter() - t0
    ref = reference(dataset, times)
    ref_s = time.perf_counter() - t0
    if os.path.isdir(f"{export}/slow"):
        # The slower scenario is a whole second analysis (its own hub).
        slow = reference(dataset, Times(SnapGraph(f"{export}/slow")))
        for pcn, p in ref.items():
            s = slow[pcn]
            p["staff_max_min_slow"] = s["staff_max_min"]
            p["staff_tour_min_slow"] = s["staff_tour_min"]
            p["patients_p90_min_to_hub_slow"] = s["patients_p90_min_to_hub"]
            p["patients_share_over_limit_to_hub_slow"] = s[
                f"patients_share_over_{PATIENT_MAX_MIN:.0f}_min_to_hub"]
    else:
        print(f"{export}/slow not found: the *_slow properties are not compared")
    both_s = time.perf_counter() - t0
    rows = compare(ref, out_dir)
    width = max(len(r[0]) for r in rows)
    bad = 0
    print(f"{'value':<{width}}  {'ours':>12}  {'reference':>12}")
    for what, ours, theirs in rows:
        same = ours == theirs
        bad += not same
        mark = "" if same else "   <-- DIFFERENT"
        print(f"{what:<{width}}  {json.dumps(ours):>12}  {json.dumps(theirs):>12}{mark}")
    print(f"\n{len(rows)} values compared, {len(rows) - bad} equal, {bad} different")
    print(f"reference pipeline (load export, networkx graph, "
          f"{sum(len(p['areas']) for p in ref.values())} areas and "
          f"{sum(len(p['matrix_practices']) for p in ref.values())} practices): {ref_s:.2f} s, "
          f"of which loading the export and building the DiGraph {graph_s:.2f} s; "
          f"with the slower scenario {both_s:.2f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
