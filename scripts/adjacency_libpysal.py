#!/usr/bin/env python3
"""Reference LSOA adjacency from libpysal, for pcn-atlas's adjacency tests and benchmark.

libpysal's `Queen.from_dataframe` / `Rook.from_dataframe` decide contiguity by exact vertex
matching: queen = the two boundaries share at least one vertex (same coordinates bit for bit);
rook = they share at least one edge (the same pair of consecutive vertices). pcn-atlas measures
distances instead (see src/check/adjacency.rs), so the two agree on boundaries that share
vertices and may differ where they do not (T-junctions, digitising gaps, point contacts).

Requirements (not a project dependency; only for regenerating the golden file):
    pip install libpysal geopandas pyogrio

Usage:
    # Golden file: queen and rook pairs for a few whole local authorities, each LAD on its own
    # (areas filtered by LAD_CODE before adjacency, as tests/adjacency_real.rs does).
    python3 scripts/adjacency_libpysal.py [--data /work/shared/data] \
        [--out tests/golden/libpysal_adjacency.csv]

    # Benchmark: time Queen.from_dataframe (and Rook with --rook) on all of England
    # (32,844 LSOAs); prints seconds to stdout. Use /usr/bin/time -v for RSS. --dump DIR also
    # writes the pairs (lsoa_a,lsoa_b per line) to DIR/libpysal_queen.csv and _rook.csv, to
    # compare with `ADJACENCY_BENCH_DUMP=DIR cargo bench --bench adjacency`.
    python3 scripts/adjacency_libpysal.py --all [--rook] [--dump DIR]

The data folder defaults to $PCN_ATLAS_DATA, else ../shared/data beside the repository.
Output CSV columns: lsoa_a,lsoa_b,rule with lsoa_a < lsoa_b, rule in {queen, rook}; rows are
sorted by (rule, lsoa_a, lsoa_b). Geometries are used in the file's WGS84 coordinates: vertex
matching does not depend on the projection.
"""

import argparse
import os
import sys
import time
import warnings

# Authorities in the golden file: small rural county, dense city centre, island,
# large rural and coastal county, big city.
LADS = [
    "E06000017",  # Rutland
    "E09000033",  # Westminster
    "E06000046",  # Isle of Wight
    "E06000057",  # Northumberland
    "E08000025",  # Birmingham
]


def default_data_dir():
    env = os.environ.get("PCN_ATLAS_DATA")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "shared", "data"))


def pairs(w, codes, rule):
    out = set()
    for i, nbrs in w.neighbors.items():
        for j in nbrs:
            a, b = codes[i], codes[j]
            if a == b:
                continue
            out.add((min(a, b), max(a, b), rule))
    return out


def dump(path, rows):
    with open(path, "w", newline="\n") as f:
        for a, b, _ in sorted(rows):
            f.write(f"{a},{b}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=default_data_dir())
    ap.add_argument("--out", default="tests/golden/libpysal_adjacency.csv")
    ap.add_argument("--all", action="store_true", help="time all-England queen")
    ap.add_argument("--rook", action="store_true", help="with --all: time rook as well")
    ap.add_argument("--dump", metavar="DIR",
                    help="with --all: write libpysal_queen.csv (and _rook) pairs to DIR")
    args = ap.parse_args()

    import geopandas as gpd
    from libpysal.weights import Queen, Rook

    warnings.filterwarnings("ignore")  # libpysal's island / use_index warnings
    path = os.path.join(args.data, "england", "lsoa11_boundaries.geojson")
    t0 = time.perf_counter()
    gdf = gpd.read_file(path, engine="pyogrio")
    print(f"read {len(gdf)} areas from {path} in {time.perf_counter() - t0:.2f} s", file=sys.stderr)

    if args.all:
        t0 = time.perf_counter()
        wq = Queen.from_dataframe(gdf, use_index=False)
        tq = time.perf_counter() - t0
        nq = sum(len(v) for v in wq.neighbors.values()) // 2
        print(f"libpysal Queen.from_dataframe all England: {tq:.2f} s, {nq} pairs, "
              f"{len(wq.islands)} islands")
        codes = list(gdf["LSOA11CD"])
        if args.dump:
            dump(os.path.join(args.dump, "libpysal_queen.csv"), pairs(wq, codes, "queen"))
        if args.rook:
            t0 = time.perf_counter()
            wr = Rook.from_dataframe(gdf, use_index=False)
            tr = time.perf_counter() - t0
            nr = sum(len(v) for v in wr.neighbors.values()) // 2
            print(f"libpysal Rook.from_dataframe all England: {tr:.2f} s, {nr} pairs, "
                  f"{len(wr.islands)} islands")
            if args.dump:
                dump(os.path.join(args.dump, "libpysal_rook.csv"), pairs(wr, codes, "rook"))
        return

    rows = set()
    for lad in LADS:
        sub = gdf[gdf["LAD_CODE"] == lad].reset_index(drop=True)
        if len(sub) == 0:
            sys.exit(f"no areas with LAD_CODE {lad} in {path}")
        codes = list(sub["LSOA11CD"])
        q = pairs(Queen.from_dataframe(sub, use_index=False), codes, "queen")
        r = pairs(Rook.from_dataframe(sub, use_index=False), codes, "rook")
        print(f"{lad}: {len(sub)} areas, {len(q)} queen pairs, {len(r)} rook pairs",
              file=sys.stderr)
        rows |= q | r

    with open(args.out, "w", newline="\n") as f:
        f.write("lsoa_a,lsoa_b,rule\n")
        for a, b, rule in sorted(rows, key=lambda t: (t[2], t[0], t[1])):
            f.write(f"{a},{b},{rule}\n")
    print(f"wrote {len(rows)} rows to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
