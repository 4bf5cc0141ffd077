#!/usr/bin/env python3
"""Review a national `pcn-atlas check` run: the non-contiguous networks.

Reads the outputs of `pcn-atlas check` (report.json, pcns.geojson,
areas.geojson, findings.csv) and the dataset it ran on (practices.csv,
registrations.csv), and writes

  docs/national-check.md          national figures, band counts, the top 50
                                  non-contiguous PCNs, findings by code; the
                                  hand-written inspection section (between
                                  the `<!-- inspection -->` markers) is kept
  docs/non-contiguous-pcns.csv    one row per non-contiguous PCN
  docs/non-contiguous-pieces.csv  one row per detached piece (every
                                  component but the most populous)

Install (Python 3.10+):  pip install --quiet pandas shapely pyproj

Run, after an import and a check of all of England:
  cargo run --release -- import --from /work/shared/data/england --out /tmp/rv-england
  cargo run --release -- check --dataset /tmp/rv-england --out /tmp/rv-out
  python3 scripts/review_national.py --check /tmp/rv-out --dataset /tmp/rv-england \
      --timings docs/performance-national-check.md

How a detached piece is classified (a heuristic, to list candidates):
  gap_m      shortest distance (British National Grid metres) from the piece
             to the rest of its PCN's footprint;
  land_share share of that shortest connecting line lying inside some LSOA
             (LSOA boundaries are clipped to the coast, so estuaries and the
             sea are outside every LSOA);
  kind       `land` when at least half of the connecting line is inside
             other LSOAs (separated by other networks' areas); otherwise
             `near` when the gap is under 20 m (a digitising gap wider than
             the 1 m tolerance, or a narrow channel) or `water` (a candidate
             for a bridge/ferry `links.csv` row);
  enclosed_by  when every area touching the piece belongs to one other PCN.
  pcn_share  the PCN's share of the patients registered from the piece's
             areas (footprints follow the most patients, so a piece won by
             a small plurality is an artefact of the rule more than a place
             the network means to serve).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pyproj
import shapely
from shapely.geometry import shape
from shapely.ops import nearest_points, unary_union

TO_BNG = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
NEAR_M = 20.0
BAND_SNIPPET = """```python
import pandas as pd
m = pd.read_csv("gp-reg-pat-prac-map-2022-01.csv", dtype=str)
l = pd.read_csv("gp-reg-pat-prac-all-2021-01.csv", dtype=str)
l["n"] = l.NUMBER_OF_PATIENTS.str.replace(",", "").astype(int)
x = m.merge(l[["CODE", "n"]], left_on="PRACTICE_CODE", right_on="CODE", how="left")
x["n"] = x.n.fillna(0)                      # 4 practices without a 2021 list size
g = x.groupby("PCN_CODE").agg(n=("n", "sum"), k=("PRACTICE_CODE", "size"))
print(len(g), (g.n < 30000).sum(), (g.n > 50000).sum(), g.n.median())
# 1255 113 439 43666.0
print(g.loc["U"].tolist())                  # [237358.0, 68]: "Unallocated"
g = g.drop("U")
print(len(g), (g.n < 30000).sum(), (g.n > 50000).sum(), g.n.median())
# 1254 113 438 43641.5
```
"""
INSPECT_START = "<!-- inspection -->"
INSPECT_END = "<!-- /inspection -->"


def to_bng(geom):
    """Reproject a shapely geometry from WGS84 lon/lat to BNG metres."""
    return shapely.transform(geom, lambda xy: _tx(xy))


def _tx(xy):
    import numpy as np

    x, y = TO_BNG.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def load_areas(check_dir: Path, bng: bool = True):
    """area_code -> (properties, geometry); geometry in BNG when `bng`."""
    with open(check_dir / "areas.geojson", encoding="utf-8") as f:
        fc = json.load(f)
    out = {}
    for feat in fc["features"]:
        g = shape(feat["geometry"])
        out[feat["properties"]["area_code"]] = (
            feat["properties"],
            to_bng(g) if bng else g,
        )
    return out


def load_pcns(check_dir: Path):
    with open(check_dir / "pcns.geojson", encoding="utf-8") as f:
        fc = json.load(f)
    return {feat["properties"]["pcn_code"]: feat for feat in fc["features"]}


def classify_pieces(report, areas, pcn_props, regs_share):
    """One dict per detached piece of every non-contiguous PCN."""
    codes = list(areas)
    geoms = [areas[c][1] for c in codes]
    tree = shapely.STRtree(geoms)
    area_pcn = {c: areas[c][0]["pcn_code"] for c in codes}
    rows = []
    for p in report["pcns"]:
        comps = p["components"]
        if len(comps) < 2:
            continue
        cgeoms = [unary_union([areas[a][1] for a in k["areas"]]) for k in comps]
        for i, k in enumerate(comps[1:], start=1):
            piece = cgeoms[i]
            rest = unary_union([g for j, g in enumerate(cgeoms) if j != i])
            gap = piece.distance(rest)
            a, b = nearest_points(piece, rest)
            line = shapely.LineString([a, b])
            land = 0.0
            if line.length > 0:
                idx = tree.query(line)
                land_geom = unary_union([geoms[j] for j in idx]) if len(idx) else None
                land = (
                    line.intersection(land_geom).length / line.length
                    if land_geom is not None
                    else 0.0
                )
            # Who surrounds the piece: PCNs of areas touching it (1 m).
            mine = set(k["areas"])
            touch = tree.query(piece.buffer(1.0), predicate="intersects")
            around = Counter(
                area_pcn[codes[j]]
                for j in touch
                if codes[j] not in mine
                and area_pcn[codes[j]] != p["pcn_code"]
                # Areas in no footprint (AREA_MOSTLY_UNALLOCATED) surround nobody.
                and area_pcn[codes[j]]
            )
            if land >= 0.5:
                kind = "land"
            elif gap < NEAR_M:
                kind = "near"
            else:
                kind = "water"
            share = regs_share(p["pcn_code"], k["areas"])
            rows.append(
                {
                    "pcn_code": p["pcn_code"],
                    "pcn_name": pcn_props[p["pcn_code"]]["pcn_name"],
                    "piece": i + 1,
                    "areas": len(k["areas"]),
                    "area_codes": " ".join(k["areas"]),
                    "population": k["population"],
                    "area_km2": k["area_km2"],
                    "practices": " ".join(k["practices"]),
                    "gap_m": round(gap, 1),
                    "land_share": round(land, 3),
                    "kind": kind,
                    "neighbour_pcns": " ".join(c for c, _ in around.most_common()),
                    "enclosed_by": next(iter(around)) if len(around) == 1 else "",
                    "pcn_share": None if share is None else round(share, 3),
                }
            )
    return pd.DataFrame(rows)


def worst_overlap_m2(report, areas, pcn_code):
    """Total pairwise overlap (m²) of one PCN's area polygons."""
    if pcn_code is None:
        return 0.0
    p = next(x for x in report["pcns"] if x["pcn_code"] == pcn_code)
    gs = [areas[a][1] for k in p["components"] for a in k["areas"]]
    tree = shapely.STRtree(gs)
    a, b = tree.query(gs, predicate="intersects")
    return sum(gs[i].intersection(gs[j]).area for i, j in zip(a, b) if i < j)


def island_links(areas, tolerance_m=1.0):
    """Connected components of the whole area graph (areas within
    `tolerance_m` of each other touch, as queen with the default 1 m
    tolerance), and for every component but the largest the closest pair
    (its area, an area of the largest component): a candidate `links.csv`
    row for the bridge or ferry that a planner should confirm."""
    codes = list(areas)
    geoms = [areas[c][1] for c in codes]
    tree = shapely.STRtree(geoms)
    parent = list(range(len(codes)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    a, b = tree.query(geoms, predicate="dwithin", distance=tolerance_m)
    for i, j in zip(a, b):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
    comps = defaultdict(list)
    for i in range(len(codes)):
        comps[find(i)].append(i)
    ordered = sorted(comps.values(), key=lambda m: (-len(m), codes[min(m)]))
    main = set(ordered[0])
    rows = []
    for m in ordered[1:]:
        best = None
        for i in m:
            # Nearest area of the main component: widen the search until found.
            for radius in (1e3, 1e4, 1e5):
                cand = [j for j in tree.query(geoms[i].buffer(radius)) if j in main]
                if cand:
                    break
            for j in cand:
                d = geoms[i].distance(geoms[j])
                if best is None or d < best[0]:
                    best = (d, i, j)
        d, i, j = best
        pa, pb = areas[codes[i]][0], areas[codes[j]][0]
        rows.append(
            {
                "area_code_a": codes[i],
                "area_code_b": codes[j],
                "kind": "candidate",
                "areas_in_component": len(m),
                "component_pcns": " ".join(sorted({areas[codes[k]][0]["pcn_code"] or "" for k in m})),
                "name_a": pa["area_name"],
                "name_b": pb["area_name"],
                "pcn_a": pa["pcn_code"],
                "pcn_b": pb["pcn_code"],
                "gap_m": round(d, 1),
            }
        )
    return len(ordered), len(ordered[0]), pd.DataFrame(rows)


def registration_share(dataset: Path):
    """f(pcn, areas) -> the PCN's share of patients registered from areas."""
    pr = pd.read_csv(dataset / "practices.csv", dtype=str, usecols=["practice_code", "pcn_code"])
    rg = pd.read_csv(dataset / "registrations.csv", dtype={"practice_code": str, "area_code": str})
    rg = rg.merge(pr, on="practice_code", how="left")
    by = rg.groupby(["area_code", "pcn_code"])["patients"].sum()
    tot = rg.groupby("area_code")["patients"].sum()
    by = by.to_dict()
    tot = tot.to_dict()

    def f(pcn, area_codes):
        t = sum(tot.get(a, 0) for a in area_codes)
        if t == 0:
            return None
        return sum(by.get((a, pcn), 0) for a in area_codes) / t

    return f


def md_table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join("" if pd.isna(v) else str(v) for v in r) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", type=Path, default=Path("/tmp/rv-out"), help="check output folder")
    ap.add_argument("--dataset", type=Path, default=Path("/tmp/rv-england"), help="dataset folder")
    ap.add_argument("--docs", type=Path, default=Path(__file__).resolve().parent.parent / "docs")
    ap.add_argument("--top", type=int, default=50)
    args = ap.parse_args()

    with open(args.check / "report.json", encoding="utf-8") as f:
        report = json.load(f)
    pcns = load_pcns(args.check)
    pcn_props = {c: f["properties"] for c, f in pcns.items()}
    areas = load_areas(args.check)
    share = registration_share(args.dataset)
    pieces = classify_pieces(report, areas, pcn_props, share)

    # Per non-contiguous PCN.
    rows = []
    for p in report["pcns"]:
        comps = p["components"]
        if len(comps) < 2:
            continue
        props = pcn_props[p["pcn_code"]]
        mine = pieces[pieces.pcn_code == p["pcn_code"]]
        rows.append(
            {
                "pcn_code": p["pcn_code"],
                "pcn_name": props["pcn_name"],
                "list_size": p["list_size"],
                "band": p["band"],
                "rural_share": props["rural_share"],
                "components": len(comps),
                "areas_per_component": "+".join(str(len(k["areas"])) for k in comps),
                "population_per_component": "+".join(str(k["population"]) for k in comps),
                "km2_per_component": "+".join(f"{k['area_km2']:g}" for k in comps),
                "single_area_pieces": sum(1 for k in comps[1:] if len(k["areas"]) == 1),
                "pieces_without_practice": sum(1 for k in comps[1:] if not k["practices"]),
                "detached_population": sum(k["population"] for k in comps[1:]),
                "max_gap_m": mine.gap_m.max(),
                "water_pieces": int((mine.kind == "water").sum()),
                "near_pieces": int((mine.kind == "near").sum()),
            }
        )
    nc = pd.DataFrame(rows).sort_values(
        ["components", "detached_population", "pcn_code"], ascending=[False, False, True]
    )
    args.docs.mkdir(parents=True, exist_ok=True)
    nc.to_csv(args.docs / "non-contiguous-pcns.csv", index=False)
    pieces.to_csv(args.docs / "non-contiguous-pieces.csv", index=False)

    # National figures.
    summ = pd.read_csv(args.check / "pcn_summary.csv", dtype={"pcn_code": str})
    bands = summ.band.value_counts().to_dict()
    counts = report["counts"]
    fb = report["findings_by_code"]
    comp_hist = Counter(len(p["components"]) for p in report["pcns"])
    n_pieces = len(pieces)
    kinds = pieces.kind.value_counts().to_dict()

    out = []
    w = out.append
    w("# National check: all of England\n")
    w(
        "Generated by `scripts/review_national.py` from a `pcn-atlas check` run on the dataset made by "
        "`pcn-atlas import --from ../shared/data/england` (how to rerun: the top of the script); "
        "the **Inspection** section is written by hand after looking at the maps. Timings: "
        "[performance-national-check.md](performance-national-check.md).\n"
    )
    w("## National figures\n")
    w(f"- {counts['pcns']:,} PCNs, {counts['practices']:,} practices, {counts['areas']:,} LSOAs, "
      f"{counts['registrations']:,} registration rows; footprint rule: {report['footprint_rule']}.")
    w(f"- Adjacency ({report['parameters']['adjacency']['rule']}, "
      f"{report['parameters']['adjacency']['tolerance_m']} m): {counts['adjacency_pairs']:,} pairs, "
      f"{counts['adjacency_components']} connected components of the whole graph, {counts['islands']} island(s).")
    w(f"- Population band {report['parameters']['band_min']:,}–{report['parameters']['band_max']:,}: "
      f"**{bands.get('below', 0)} below**, {bands.get('within', 0)} within, **{bands.get('above', 0)} above**; "
      f"median list size {summ.list_size.median():,.1f}.")
    w(f"- Contiguous: {comp_hist.get(1, 0)}; **non-contiguous: {len(nc)}** "
      f"({n_pieces} detached pieces; pieces of one area: {int((pieces.areas == 1).sum())}; "
      f"pieces with no member practice: {int((pieces.practices == '').sum())}). "
      "Components per PCN: "
      + ", ".join(f"{k}: {v}" for k, v in sorted(comp_hist.items())) + ".")
    w("- Detached pieces by kind (heuristic, see the script): "
      + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())) + ".")
    worst = report["dissolve"]["worst_pcn"]
    overlap = worst_overlap_m2(report, areas, worst)
    w(f"- Dissolve check: worst relative |dissolved − Σ areas| = "
      f"{report['dissolve']['max_relative_difference']:.2e} ({worst}), "
      f"limit {report['dissolve']['limit']:g}, over the limit: {len(report['dissolve']['pcns_over_limit'])}. "
      f"The cause is in the input, not the dissolve: {worst}'s LSOA polygons overlap each other by "
      f"{overlap:.2f} m² in the ONS file, counted twice in the sum and once in the union.\n")

    w("## Band counts against the published figures\n")
    w(
        "The data README and issue 3 give, with 2021 list sizes and practices without a list size "
        "counted as 0: 1,255 PCNs, 113 below 30,000, 439 above 50,000, median 43,666. Those figures "
        "group the January 2022 PCN map by `PCN_CODE` as published, which includes the pseudo-PCN "
        "`U` \"Unallocated\": 68 practices outside any network, 237,358 registered patients together, "
        "so it lands in the \"above\" count. `pcn-atlas import` writes those 68 practices without a "
        "PCN (`NO_PCN` in the import report, `PRACTICE_WITHOUT_PCN` in check), because they are not a "
        "network. Without `U` the published file gives 1,254 PCNs, 113 below, 438 above, median "
        "43,641.5 — exactly what check reports. Recomputed with pandas straight from the published "
        "files (in `../shared/data/england`):\n"
    )
    w(BAND_SNIPPET)

    w("## Findings by code\n")
    w("| code | count |\n|---|---:|")
    for k, v in sorted(fb.items()):
        w(f"| `{k}` | {v} |")
    w("")

    w(f"## Non-contiguous PCNs: the top {args.top}\n")
    w(
        "Sorted by number of components, then residents of the detached pieces. All "
        f"{len(nc)} are in [non-contiguous-pcns.csv](non-contiguous-pcns.csv) and every detached piece "
        "(gap, land share, kind, surrounding PCNs, the PCN's share of patients there) in "
        "[non-contiguous-pieces.csv](non-contiguous-pieces.csv). Components are listed largest "
        "(by residents) first; `+` separates them.\n"
    )
    show = nc.head(args.top)[
        [
            "pcn_code",
            "pcn_name",
            "list_size",
            "components",
            "areas_per_component",
            "population_per_component",
            "km2_per_component",
            "single_area_pieces",
            "max_gap_m",
            "water_pieces",
        ]
    ]
    w(md_table(show) + "\n")

    water = pieces[pieces.kind == "water"].sort_values(["gap_m"], ascending=False)
    w(f"## Pieces separated only across water (candidates): {len(water)}\n")
    w(
        "Detached pieces whose shortest link to the rest of their footprint runs mostly outside every "
        "LSOA (the boundaries are clipped to the coast). Each wants checking against a map: a bridge "
        "or ferry there is a `links.csv` row; open water with no crossing is a real break.\n"
    )
    w(md_table(water[["pcn_code", "pcn_name", "piece", "areas", "population", "gap_m", "land_share", "neighbour_pcns"]]) + "\n")

    near = pieces[pieces.kind == "near"]
    w(f"## Pieces within {NEAR_M:g} m of their footprint: {len(near)}\n")
    if len(near):
        w("Gaps wider than the 1 m snap tolerance but narrower than a road; candidates for digitising gaps.\n")
        w(md_table(near[["pcn_code", "pcn_name", "piece", "areas", "population", "gap_m", "land_share"]]) + "\n")

    n_comp, n_main, links = island_links(areas)
    links[["area_code_a", "area_code_b", "kind"]].to_csv(args.docs / "links-candidates.csv", index=False)
    w(f"## Islands: components of the national adjacency graph: {n_comp}\n")
    w(
        f"The largest holds {n_main:,} LSOAs; each other is an island group the boundaries leave "
        "unconnected. For each, the closest pair of LSOAs (island, mainland) is a candidate "
        "`links.csv` row, written to [links-candidates.csv](links-candidates.csv) with `kind` "
        "`candidate`: confirm the crossing (bridge, causeway, ferry) on a map before using it — "
        "the closest pair is not always where the bridge lands.\n"
    )
    w(md_table(links.drop(columns=["kind"])) + "\n")

    share_s = pieces.pcn_share.dropna()
    w("## How strongly the detached pieces belong\n")
    w(
        f"The PCN's share of the patients registered from a detached piece: median {share_s.median():.2f}; "
        f"{int((share_s < 0.5).sum())} of {len(share_s)} pieces are won with under half the patients, "
        f"{int((share_s < 0.35).sum())} with under 35%. Footprints here follow where patients register "
        "(the most patients wins), so a piece won by a small plurality is a border area shared between "
        "networks rather than a place one network set out to serve.\n"
    )

    # Keep the hand-written inspection.
    target = args.docs / "national-check.md"
    inspection = f"{INSPECT_START}\n## Inspection\n\n(not written yet)\n{INSPECT_END}\n"
    if target.exists():
        m = re.search(
            re.escape(INSPECT_START) + r".*?" + re.escape(INSPECT_END),
            target.read_text(encoding="utf-8"),
            re.S,
        )
        if m:
            inspection = m.group(0) + "\n"
    w(inspection)
    target.write_text("\n".join(out), encoding="utf-8")
    print(f"wrote {target}: {len(nc)} non-contiguous PCNs, {n_pieces} detached pieces, kinds {kinds}")


if __name__ == "__main__":
    main()
