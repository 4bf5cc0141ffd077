#!/usr/bin/env python3
"""Compare pcn-atlas accessibility scores (2SFCA, E2SFCA, gravity) with PySAL
`access` on the SAME cost matrix, and time both (docs/access.md,
docs/performance-access.md).

Setup and run (from the repository root):

    pip install --quiet access            # PySAL access (tested with 1.1.10.post3)
    cargo build --release --bin pcn-atlas --example access_matrix
    python3 scripts/access_pysal.py [WORK_DIR] [--data /work/shared/data]
    python3 scripts/access_pysal.py --bless-fixture   # rewrite fixtures/access/pysal_scores.csv
    python3 scripts/access_pysal.py --case OUT_DIR     # only an existing export (defaults of analyse)

`--case` compares and times one folder written with `--access-export`, e.g. the England-scale run
`target/release/examples/analyse_england /tmp/england /tmp/england-out --access-export`
(8.9 million pairs; PySAL needs several GB of memory and minutes there).

WORK_DIR defaults to /tmp/access_pysal. The script runs three cases and exits 1
if any score differs by more than 1e-9 relative:

1. PySAL's own worked hospital example (the 3-tract city of
   `access/tests/test_hospital_example.py`, shipped with the package; the
   Chicago example data are a download, so not used). Its four cost scenarios
   are written as CSV and scored by `examples/access_matrix.rs` and by PySAL:
   2SFCA, E2SFCA (zones 10/20/30 min, 1/0.68/0.22) and gravity (1/d) with
   max_cost 61, as in the PySAL test.
2. Rutland (real county): `pcn-atlas import --lad E06000017` from
   DATA/england, then `pcn-atlas analyse --access-export` on the Geofabrik
   extract DATA/rutland/rutland-2022-07.osm.pbf. The exported matrix
   (`access_matrix.csv`: area_code, practice_code, minutes; drive times from
   the road router, off-road legs included) with its demand and supply goes
   to PySAL; PySAL's scores are compared with `access_scores.csv` from the
   same run.
3. The synthetic demo county (data/demo), the same way: a larger matrix.

Definitions matched (PySAL `access` 1.1.10): `two_stage_fca(max_cost=d0)`;
`enhanced_two_stage_fca(max_cost=d0, weight_fn=weights.step_fn({10: 1, 20:
0.68, 30: 0.22}))`; `two_stage_fca(max_cost=d0, weight_fn=weights.gravity(
scale=1, alpha=-beta, min_dist=floor))`. pcn-atlas writes scores per 1,000
residents, so PySAL's are multiplied by 1000. An area with no practice within
the catchment is 0 in pcn-atlas and NaN in PySAL (no row to sum): counted as
agreeing and reported.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from access import Access, weights

REPO = Path(__file__).resolve().parent.parent
PCN_ATLAS = REPO / "target/release/pcn-atlas"
ACCESS_MATRIX = REPO / "target/release/examples/access_matrix"
TOL = 1e-9
METHODS = ["access_2sfca", "access_e2sfca", "access_gravity"]


def run(cmd):
    print("$", " ".join(str(c) for c in cmd), flush=True)
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r.stdout


def pysal_scores(matrix, demand, supply, d0, zones, beta, floor):
    """PySAL access on the three tables; scores per 1,000 residents."""
    a = Access(
        demand_df=demand[["area_code", "population"]].copy(),
        demand_index="area_code",
        demand_value="population",
        supply_df=supply[["practice_code", "supply"]].copy(),
        supply_index="practice_code",
        supply_value="supply",
        cost_df=matrix,
        cost_origin="area_code",
        cost_dest="practice_code",
        cost_name="minutes",
    )
    t0 = time.perf_counter()
    a.two_stage_fca(name="2sfca", max_cost=d0)
    a.enhanced_two_stage_fca(name="e2sfca", max_cost=d0, weight_fn=weights.step_fn(zones))
    a.two_stage_fca(
        name="gravity",
        max_cost=d0,
        weight_fn=weights.gravity(scale=1, alpha=-beta, min_dist=floor),
    )
    seconds = time.perf_counter() - t0
    df = a.access_df
    out = pd.DataFrame(
        {
            "access_2sfca": df["2sfca_supply"] * 1000.0,
            "access_e2sfca": df["e2sfca_supply"] * 1000.0,
            "access_gravity": df["gravity_supply"] * 1000.0,
        },
        index=df.index,
    )
    return out, seconds


def compare(name, rust, py):
    """Relative agreement per area and method; NaN in PySAL must be 0 in Rust."""
    rust = rust.set_index("area_code")
    worst, nan_zero, n = 0.0, 0, 0
    for m in METHODS:
        for code, r in rust[m].dropna().items():
            p = py[m].get(code, np.nan)
            n += 1
            if np.isnan(p):
                if r != 0.0:
                    print(f"  {name} {m} {code}: Rust {r}, PySAL NaN")
                    return False, worst, n, nan_zero
                nan_zero += 1
                continue
            rel = abs(r - p) / max(abs(p), 1e-300)
            worst = max(worst, rel)
            if rel > TOL:
                print(f"  {name} {m} {code}: Rust {r!r}, PySAL {p!r}, relative {rel:.3e}")
                return False, worst, n, nan_zero
    return True, worst, n, nan_zero


def time_rust(case_dir, d0, decay, beta, floor, reps=3):
    best = None
    line = ""
    for _ in range(reps):
        t0 = time.perf_counter()
        line = run(
            [
                ACCESS_MATRIX,
                case_dir / "access_matrix.csv",
                case_dir / "access_demand.csv",
                case_dir / "access_supply.csv",
                case_dir / "rust_scores.csv",
                d0,
                decay,
                beta,
                floor,
            ]
        ).strip()
        wall = time.perf_counter() - t0
        best = wall if best is None else min(best, wall)
    return best, line


def case(name, case_dir, d0, zones, decay, beta, floor, rust_scores_file, results, reps=3):
    matrix = pd.read_csv(case_dir / "access_matrix.csv", dtype={"area_code": str, "practice_code": str})
    demand = pd.read_csv(case_dir / "access_demand.csv", dtype={"area_code": str})
    demand["population"] = demand["population"].fillna(0.0)
    if "routable" in demand.columns:
        demand = demand[demand["routable"].astype(str).str.lower() == "true"]
    supply = pd.read_csv(case_dir / "access_supply.csv", dtype={"practice_code": str})
    py_times = []
    py = None
    for _ in range(reps):
        t0 = time.perf_counter()
        py, compute = pysal_scores(matrix, demand, supply, d0, zones, beta, floor)
        py_times.append((time.perf_counter() - t0, compute))
    rust_wall, rust_line = time_rust(case_dir, d0, decay, beta, floor, reps)
    rust = pd.read_csv(rust_scores_file, dtype={"area_code": str})
    ok, worst, n, nan_zero = compare(name, rust, py)
    # The example on the same CSV must give the same numbers as analyse.
    ex = pd.read_csv(case_dir / "rust_scores.csv", dtype={"area_code": str})
    ok2, worst2, _, _ = compare(name + " (example)", ex, py)
    res = {
        "case": name,
        "areas": int(len(demand)),
        "practices": int(len(supply)),
        "pairs": int(len(matrix)),
        "values_compared": n,
        "nan_in_pysal_zero_in_rust": nan_zero,
        "max_relative_difference": max(worst, worst2),
        "agree_1e-9": bool(ok and ok2),
        "pysal_best_s": min(t for t, _ in py_times),
        "rust_example_best_wall_s": rust_wall,
        "rust_example": rust_line,
    }
    print(json.dumps(res, indent=1), flush=True)
    results.append(res)


def hospital(work, results):
    """PySAL's worked hospital example (access/tests/test_hospital_example.py)."""
    tracts = pd.DataFrame(
        [
            {"geoid": "1", "pop": 100, "doc": 15},
            {"geoid": "2", "pop": 50, "doc": 20},
            {"geoid": "3", "pop": 10, "doc": 100},
        ]
    )
    # (self, inbound 1/2→3, outbound 3→1/2, cross-city) per scenario.
    scenarios = [(1, 40, 40, 80), (1, 20, 40, 80), (1, 40, 20, 80), (1, 20, 20, 40)]
    for n, (own, inbound, outbound, cross) in enumerate(scenarios):
        d = work / f"hospital_s{n}"
        d.mkdir(parents=True, exist_ok=True)
        rows = [("1", "1", own), ("2", "2", own), ("3", "3", own)]
        rows += [("1", "3", inbound), ("2", "3", inbound)]
        rows += [("3", "1", outbound), ("3", "2", outbound)]
        rows += [("1", "2", cross), ("2", "1", cross)]
        pd.DataFrame(rows, columns=["area_code", "practice_code", "minutes"]).to_csv(
            d / "access_matrix.csv", index=False
        )
        tracts.rename(columns={"geoid": "area_code", "pop": "population"})[
            ["area_code", "population"]
        ].to_csv(d / "access_demand.csv", index=False)
        tracts.rename(columns={"geoid": "practice_code", "doc": "supply"})[
            ["practice_code", "supply"]
        ].to_csv(d / "access_supply.csv", index=False)
        # The Rust side is the example alone here (there is no road run).
        run(
            [
                ACCESS_MATRIX,
                d / "access_matrix.csv",
                d / "access_demand.csv",
                d / "access_supply.csv",
                d / "scores.csv",
                61,
                "step:10=1,20=0.68,30=0.22",
                1,
                1,
            ]
        )
        case(
            f"hospital scenario {n}",
            d,
            61,
            {10: 1, 20: 0.68, 30: 0.22},
            "step:10=1,20=0.68,30=0.22",
            1,
            1,
            d / "scores.csv",
            results,
        )


def county(name, work, dataset, roads, results):
    out = work / f"{name}-out"
    cmd = [PCN_ATLAS, "analyse", "--dataset", dataset, "--out", out, "-q", "--access-export"]
    if roads:
        cmd += ["--roads", roads]
    t0 = time.perf_counter()
    run(cmd)
    print(f"  analyse (whole run, export included): {time.perf_counter() - t0:.2f} s")
    case(
        name,
        out,
        30,
        {10: 1, 20: 0.68, 30: 0.22},
        "step",
        1,
        1,
        out / "access_scores.csv",
        results,
    )


def bless_fixture():
    """Write fixtures/access/pysal_scores.csv (PySAL's numbers for the hand-made fixture)."""
    d = REPO / "fixtures/access"
    matrix = pd.read_csv(d / "access_matrix.csv", dtype={"area_code": str, "practice_code": str})
    demand = pd.read_csv(d / "access_demand.csv", dtype={"area_code": str})
    supply = pd.read_csv(d / "access_supply.csv", dtype={"practice_code": str})
    py, _ = pysal_scores(matrix, demand, supply, 30, {10: 1, 20: 0.68, 30: 0.22}, 1, 1)
    lines = ["area_code," + ",".join(METHODS)]
    for code in demand["area_code"]:
        vals = [py[m].get(code, np.nan) for m in METHODS]
        lines.append(code + "," + ",".join("" if np.isnan(v) else repr(float(v)) for v in vals))
    (d / "pysal_scores.csv").write_text("\n".join(lines) + "\n")
    print((d / "pysal_scores.csv").read_text())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("work", nargs="?", default="/tmp/access_pysal")
    ap.add_argument("--data", default="/work/shared/data")
    ap.add_argument("--case", metavar="OUT_DIR", help="only compare and time this --access-export folder")
    ap.add_argument("--bless-fixture", action="store_true", help="only rewrite fixtures/access/pysal_scores.csv")
    args = ap.parse_args()
    if args.bless_fixture:
        bless_fixture()
        return
    if args.case:
        results = []
        d = Path(args.case)
        case(d.name, d, 30, {10: 1, 20: 0.68, 30: 0.22}, "step", 1, 1, d / "access_scores.csv", results, reps=1)
        sys.exit(0 if results[0]["agree_1e-9"] else 1)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    data = Path(args.data)
    for b in (PCN_ATLAS, ACCESS_MATRIX):
        if not b.exists():
            sys.exit(f"{b} missing: cargo build --release --bin pcn-atlas --example access_matrix")
    results = []
    hospital(work, results)
    rut = work / "rutland"
    if not (rut / "practices.csv").exists():
        run([PCN_ATLAS, "import", "--from", data / "england", "--lad", "E06000017", "--out", rut])
    county("rutland", work, rut, data / "rutland/rutland-2022-07.osm.pbf", results)
    county("demo", work, REPO / "data/demo", None, results)
    (work / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    bad = [r["case"] for r in results if not r["agree_1e-9"]]
    print(f"\nwrote {work / 'results.json'}")
    if bad:
        sys.exit(f"DISAGREE: {', '.join(bad)}")
    print(f"all {len(results)} cases agree to {TOL:g} relative")


if __name__ == "__main__":
    main()
