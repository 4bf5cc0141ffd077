#!/usr/bin/env python3
"""The `pcn-atlas import` and `pcn-atlas check` pipeline written the usual Python way, for the
side-by-side benchmark of issue 12 (bench/national_check.sh, bench/half_england.sh).

Three subcommands:

  check   --dataset DIR --out OUT [--compare RUST_OUT]
          The same steps as `pcn-atlas check` (without the maps) on a dataset folder written by
          `pcn-atlas import` (practices.csv, areas.geojson, registrations.csv):
            load      pandas (practices, registrations), geopandas + pyogrio (areas), areas and
                      population-weighted centroids projected to EPSG:27700, invalid polygons
                      found (AREA_INVALID_GEOMETRY) and repaired with shapely.make_valid
            check     queen adjacency with libpysal (libpysal.graph.Graph.build_contiguity, or
                      weights.Queen.from_dataframe with --adjacency weights); footprint per area =
                      the PCN with the most registered patients from it (ties -> lowest PCN code,
                      FOOTPRINT_TIE; where practices with no PCN have the most, the best PCN only
                      with >= 25 % of all, else no footprint: AREA_MOSTLY_UNALLOCATED), areas
                      without registrations -> PCN of the nearest located
                      practice (scipy cKDTree); PCN list size = sum of member list sizes; band
                      below/within/above 30,000-50,000; rural and sparse shares of registered
                      patients (RUC D1 D2 E1 E2 / C2 D2 E2); connected components of every
                      footprint (scipy.sparse.csgraph on the adjacency restricted to same-PCN
                      pairs); practices located in their own footprint (geopandas.sjoin, point in
                      polygon); every finding
            dissolve  geopandas dissolve per PCN
            write     pcns.geojson, areas.geojson (WGS84, RFC 7946), pcn_summary.csv, findings.csv
          Prints per-stage wall times and peak RSS on stderr, the headline numbers on stdout.
          --compare RUST_OUT compares the result with pcn-atlas's pcn_summary.csv and findings.csv
          in RUST_OUT (the same as the `compare` subcommand).

  import  --from RAW --out DIR
          The same steps as `pcn-atlas import` with no filter, from the national files (layout of
          ../shared/data/england): practice -> PCN map (Unallocated `U` = no PCN), January 2021 list
          sizes (SEX=ALL, AGE=ALL rows), OS Code-Point Open postcodes (epraccur postcode as a
          fallback), LSOA boundaries + mid-2019 population + 2011 RUC + population-weighted
          centroids, registrations by LSOA (rows naming practices not in the map or areas not in
          the boundaries dropped and counted). Writes practices.csv, areas.geojson,
          registrations.csv and import_report.csv in the layout `pcn-atlas import` writes.

  compare PY_OUT RUST_OUT
          Headline numbers side by side and every per-PCN difference between two pcn_summary.csv
          (list_size, band, rural and sparse shares, areas, components, flags, ...) and the
          findings counts by code. Exit code 1 if the headline numbers differ.

Setup (Python 3.11):
    pip install geopandas==1.2.0 pyogrio==0.13.0 pyarrow shapely==2.2.0 pyproj pandas \
        libpysal==4.14.1 scipy numpy

Usage (from the repository root):
    BIN=target/release/pcn-atlas
    $BIN import --from ../shared/data/england --out /tmp/england -q
    $BIN check --dataset /tmp/england --out /tmp/out-rust -q
    python3 bench/check_python.py check --dataset /tmp/england --out /tmp/out-py --compare /tmp/out-rust
    python3 bench/check_python.py import --from ../shared/data/england --out /tmp/england-py
    python3 bench/check_python.py check --dataset /tmp/england-py --out /tmp/out-py2
    python3 bench/check_python.py compare /tmp/out-py2 /tmp/out-rust

Differences from pcn-atlas, by design of the tools (see docs/performance-python-pipeline.md):
  * adjacency: libpysal matches vertices exactly; pcn-atlas counts boundaries within 1 m
    (--tolerance-m 1) as touching, so it finds a few more pairs;
  * coordinates: pyproj's WGS84 -> British National Grid transformation is not bit-identical
    to pcn-atlas's OS Helmert, so a practice within a metre or two of an area boundary may
    stand in the neighbouring area;
  * no map.html / map.svg / map.png, practices.geojson or report.json: pcn-atlas writes them as
    well, so the timing comparison is conservative for pcn-atlas.
"""

from __future__ import annotations

import argparse
import csv
import glob
import os
import resource
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

warnings.filterwarnings("ignore", category=UserWarning)
warnings.filterwarnings("ignore", category=FutureWarning)

RURAL = {"D1", "D2", "E1", "E2"}
SPARSE = {"C2", "D2", "E2"}
FLAG_ORDER = [
    "POPULATION_BELOW_BAND",
    "POPULATION_ABOVE_BAND",
    "RURAL_WAIVER_CANDIDATE",
    "NON_CONTIGUOUS",
    "PRACTICE_OUTSIDE_FOOTPRINT",
    "NO_FOOTPRINT",
    "RURAL",
]
SCOPE_ORDER = {"dataset": 0, "pcn": 1, "practice": 2, "area": 3}
MIN_FOOTPRINT_SHARE = 0.25  # pcn-atlas check's default --min-footprint-share


class Stages:
    """Per-stage wall times, printed on stderr like pcn-atlas does."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.t0 = time.perf_counter()

    def run(self, name: str, fn, *args, **kwargs):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        self.times[name] = time.perf_counter() - t
        print(f"{name:>9}: {self.times[name]:.2f} s", file=sys.stderr, flush=True)
        return out

    def finish(self, what: str) -> None:
        total = time.perf_counter() - self.t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{what}: total {total:.2f} s, peak RSS {rss:.0f} MB", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------------


def load(dataset: Path) -> dict:
    practices = pd.read_csv(
        dataset / "practices.csv",
        dtype={"practice_code": str, "practice_name": str, "pcn_code": str, "pcn_name": str,
               "postcode": str, "list_size": "Int64", "easting": float, "northing": float},
        keep_default_na=False, na_values={"list_size": [""], "easting": [""], "northing": [""],
                                          "pcn_code": [""], "pcn_name": [""]},
    )
    areas = gpd.read_file(dataset / "areas.geojson", engine="pyogrio", use_arrow=True)
    areas = areas.sort_values("area_code", kind="stable").reset_index(drop=True)
    areas = areas.to_crs(27700)
    # Population-weighted centroid, else an interior point.
    if "centroid_lon" in areas and areas.centroid_lon.notna().any():
        cen = gpd.GeoSeries(gpd.points_from_xy(areas.centroid_lon, areas.centroid_lat), crs=4326)
        cen = cen.to_crs(27700)
        missing = areas.centroid_lon.isna().to_numpy()
        if missing.any():
            cen[missing] = areas.geometry[missing].representative_point()
    else:
        cen = areas.geometry.representative_point()
    areas["cx"] = cen.x.to_numpy()
    areas["cy"] = cen.y.to_numpy()
    regs = pd.read_csv(
        dataset / "registrations.csv",
        dtype={"practice_code": str, "area_code": str, "patients": np.int64},
    )
    # Validity: keep the geometry as read for adjacency (libpysal matches vertices), repair the
    # few invalid ones for point-in-polygon, areas and the dissolve.
    valid = shapely.is_valid(areas.geometry.to_numpy())
    invalid_codes = areas.area_code[~valid].tolist()
    fixed = areas.geometry.to_numpy().copy()
    if (~valid).any():
        fixed[~valid] = shapely.make_valid(fixed[~valid])
    areas["geom_valid"] = gpd.GeoSeries(fixed, crs=27700)
    return {"practices": practices, "areas": areas, "regs": regs, "invalid": invalid_codes,
            "dataset": dataset}


def queen_adjacency(areas: gpd.GeoDataFrame, how: str) -> sparse.csr_matrix:
    """Queen contiguity as a symmetric n x n sparse matrix (area order)."""
    if how == "weights":
        from libpysal.weights import Queen

        w = Queen.from_dataframe(areas[["geometry"]], use_index=False, silence_warnings=True)
        return w.sparse.tocsr()
    from libpysal.graph import Graph

    g = Graph.build_contiguity(areas[["geometry"]].reset_index(drop=True), rook=False)
    return g.sparse.tocsr()


def check(d: dict, adjacency: str, band_min: int, band_max: int, threshold: float) -> dict:
    practices, areas, regs = d["practices"], d["areas"], d["regs"]
    n = len(areas)
    t = time.perf_counter()
    adj = queen_adjacency(areas, adjacency)
    d["adjacency_s"] = time.perf_counter() - t
    adj = ((adj + adj.T) > 0).astype(np.int8).tocsr()
    adj.setdiag(0)
    adj.eliminate_zeros()
    neighbours = np.diff(adj.indptr)

    code_ix = pd.Series(np.arange(n), index=areas.area_code)
    has_pcn = practices[practices.pcn_code.notna()]
    pcns = (has_pcn.groupby("pcn_code")
            .agg(pcn_name=("pcn_name", "first"), practices=("practice_code", "size"),
                 list_size=("list_size", lambda s: int(s.fillna(0).sum())),
                 without_list_size=("list_size", lambda s: int(s.isna().sum())))
            .sort_index())
    pcn_codes = pcns.index.to_numpy()

    # Footprints: the PCN with the most registered patients from each area.
    r = regs.merge(practices[["practice_code", "pcn_code"]], on="practice_code", how="inner")
    r["area_ix"] = code_ix.reindex(r.area_code).to_numpy()
    r = r[r.area_ix.notna()]
    r["area_ix"] = r.area_ix.astype(np.int64)
    per = (r[r.pcn_code.notna() & (r.patients > 0)]
           .groupby(["area_ix", "pcn_code"], sort=False).patients.sum().reset_index())
    per = per.sort_values(["area_ix", "patients", "pcn_code"], ascending=[True, False, True])
    top = per.drop_duplicates("area_ix", keep="first")
    best = per.merge(top[["area_ix", "patients"]], on=["area_ix", "patients"])
    tied = best.groupby("area_ix").pcn_code.agg(list)
    tied = tied[tied.map(len) > 1]
    # Areas where practices with no PCN ("Unallocated") have the most patients: to the best PCN
    # only when it has MIN_FOOTPRINT_SHARE of all the area's patients, else in no footprint.
    unalloc = (r[r.pcn_code.isna() & (r.patients > 0)].groupby("area_ix").patients.sum()
               .reindex(np.arange(n), fill_value=0).to_numpy())
    best_n = top.set_index("area_ix").patients.reindex(np.arange(n), fill_value=0).to_numpy()
    total = unalloc + per.groupby("area_ix").patients.sum().reindex(np.arange(n), fill_value=0).to_numpy()
    mostly = unalloc > best_n
    keep_best = mostly & (best_n >= MIN_FOOTPRINT_SHARE * total)
    tied = tied[~mostly[tied.index.to_numpy()]]
    area_pcn = np.full(n, None, dtype=object)
    area_pcn[top.area_ix.to_numpy()] = top.pcn_code.to_numpy()
    area_pcn[mostly & ~keep_best] = None
    assigned_by = np.where(pd.notna(area_pcn), "registrations", "unassigned").astype(object)
    assigned_by[mostly & ~keep_best] = "mostly_unallocated"
    # Areas nobody is registered from: the PCN of the nearest located practice.
    rest = np.flatnonzero(pd.isna(area_pcn) & ~mostly)
    located = has_pcn[has_pcn.easting.notna()]
    if len(rest) and len(located):
        tree = cKDTree(located[["easting", "northing"]].to_numpy())
        _, j = tree.query(areas[["cx", "cy"]].to_numpy()[rest])
        area_pcn[rest] = located.pcn_code.to_numpy()[j]
        assigned_by[rest] = "nearest_practice"
    areas["pcn_code"] = area_pcn
    areas["assigned_by"] = assigned_by

    # Components of each footprint: the adjacency restricted to pairs in the same PCN.
    pcn_id = pd.Series(pd.Categorical(area_pcn, categories=pcn_codes).codes)  # -1 = none
    coo = adj.tocoo()
    same = (pcn_id.to_numpy()[coo.row] == pcn_id.to_numpy()[coo.col]) & (pcn_id.to_numpy()[coo.row] >= 0)
    g = sparse.coo_matrix((np.ones(same.sum(), np.int8), (coo.row[same], coo.col[same])), shape=(n, n))
    _, label = csgraph.connected_components(g, directed=False)
    pop = areas.population.fillna(0).astype(np.int64).to_numpy()
    valid_geom = areas.geom_valid
    km2 = valid_geom.area.to_numpy() / 1e6
    comp = pd.DataFrame({"label": label, "pcn": area_pcn, "pop": pop, "km2": km2,
                         "ix": np.arange(n)})
    comp = comp[comp.pcn.notna()]
    pieces = (comp.groupby("label").agg(pcn=("pcn", "first"), pop=("pop", "sum"),
                                        areas=("ix", "size"), first=("ix", "min"),
                                        km2=("km2", "sum"))
              .reset_index())
    pieces = pieces.sort_values(["pcn", "pop", "areas", "first"], ascending=[True, False, False, True])
    pieces["component"] = pieces.groupby("pcn").cumcount() + 1
    label_comp = pd.Series(pieces.component.to_numpy(), index=pieces.label.to_numpy())
    areas["component"] = np.where(pd.notna(area_pcn), label_comp.reindex(label).to_numpy(), np.nan)
    areas["neighbours"] = neighbours

    # Practices: the area each stands in (lowest area index on a shared boundary).
    loc = practices[practices.easting.notna()]
    pts = gpd.GeoDataFrame(loc[["practice_code"]],
                           geometry=gpd.points_from_xy(loc.easting, loc.northing), crs=27700)
    poly = gpd.GeoDataFrame({"area_ix": np.arange(n)}, geometry=valid_geom, crs=27700)
    hit = gpd.sjoin(pts, poly, predicate="intersects", how="left")
    hit = hit.sort_values(["practice_code", "area_ix"]).drop_duplicates("practice_code")
    practice_area = pd.Series(hit.area_ix.to_numpy(), index=hit.practice_code.to_numpy())
    practices["area_ix"] = practice_area.reindex(practices.practice_code).to_numpy()
    pa = practices.area_ix
    practices["area_pcn"] = [area_pcn[int(i)] if pd.notna(i) else None for i in pa]
    practices["component"] = [areas.component.iat[int(i)] if pd.notna(i) else np.nan for i in pa]
    member_located = practices.pcn_code.notna() & practices.easting.notna()
    practices["inside_footprint"] = np.where(
        member_located, practices.area_pcn.to_numpy() == practices.pcn_code.to_numpy(), None)
    outside = practices[member_located & (practices.area_pcn != practices.pcn_code)]

    # Per-PCN figures.
    pcns["resident_population"] = (pd.Series(pop).groupby(area_pcn).sum()
                                   .reindex(pcns.index).fillna(0).astype(np.int64))
    pcns["areas"] = pd.Series(area_pcn).value_counts().reindex(pcns.index).fillna(0).astype(np.int64)
    pcns["area_km2"] = pd.Series(km2).groupby(area_pcn).sum().reindex(pcns.index).fillna(0.0)
    pcns["components"] = pieces.groupby("pcn").size().reindex(pcns.index).fillna(0).astype(np.int64)
    pcns["contiguous"] = pcns.components <= 1
    pcns["band"] = np.select([pcns.list_size < band_min, pcns.list_size > band_max],
                             ["below", "above"], "within")
    ruc = areas.ruc.to_numpy()
    r["is_rural"] = np.isin(ruc[r.area_ix.to_numpy()], list(RURAL))
    r["is_sparse"] = np.isin(ruc[r.area_ix.to_numpy()], list(SPARSE))
    rm = r[r.pcn_code.notna()]
    sh = pd.DataFrame({"tot": rm.patients, "rur": rm.patients * rm.is_rural,
                       "spa": rm.patients * rm.is_sparse, "pcn": rm.pcn_code}).groupby("pcn").sum()
    sh = sh.reindex(pcns.index).fillna(0)
    basis = np.where(sh.tot > 0, "registered_patients", "residents").astype(object)
    # Residents of the footprint where the PCN's practices have no registrations.
    res = pd.DataFrame({"tot": pop, "rur": pop * np.isin(ruc, list(RURAL)),
                        "spa": pop * np.isin(ruc, list(SPARSE)), "pcn": area_pcn})
    res = res[res.pcn.notna()].groupby("pcn").sum().reindex(pcns.index).fillna(0)
    use_res = (sh.tot == 0).to_numpy()
    sh.loc[use_res, ["tot", "rur", "spa"]] = res.loc[use_res, ["tot", "rur", "spa"]].to_numpy()
    basis[use_res & (sh.tot == 0).to_numpy()] = "none"
    with np.errstate(invalid="ignore", divide="ignore"):
        pcns["rural_share"] = np.where(sh.tot > 0, sh.rur / sh.tot, np.nan)
        pcns["sparse_share"] = np.where(sh.tot > 0, sh.spa / sh.tot, np.nan)
    pcns["share_basis"] = basis

    # Findings.
    f: list[tuple[str, str, str, str]] = []
    is_rural = pcns.rural_share.fillna(0) >= threshold
    is_sparse = pcns.sparse_share.fillna(0) >= threshold
    n_out = outside.groupby("pcn_code").size()
    flags = {c: [] for c in pcns.index}
    piece_lists = pieces.groupby("pcn")
    for c, row in pcns.iterrows():
        fl = flags[c]
        miss = (f" ({row.without_list_size} practice(s) without a list size count as 0)"
                if row.without_list_size else "")
        if row.band == "below":
            fl.append("POPULATION_BELOW_BAND")
            f.append(("pcn", "POPULATION_BELOW_BAND", c,
                      f"{row.list_size} registered patients across {row.practices} practice(s), "
                      f"below the {band_min} minimum by {band_min - row.list_size}{miss}"))
            if is_rural[c] or is_sparse[c]:
                fl.append("RURAL_WAIVER_CANDIDATE")
                f.append(("pcn", "RURAL_WAIVER_CANDIDATE", c,
                          f"below the band ({row.list_size} < {band_min}) with rural share "
                          f"{row.rural_share:.1%} and sparse share {row.sparse_share:.1%}"))
        elif row.band == "above":
            fl.append("POPULATION_ABOVE_BAND")
            f.append(("pcn", "POPULATION_ABOVE_BAND", c,
                      f"{row.list_size} registered patients across {row.practices} practice(s), "
                      f"above the {band_max} maximum by {row.list_size - band_max}{miss}"))
        if row.components > 1:
            fl.append("NON_CONTIGUOUS")
            p = piece_lists.get_group(c)
            parts = "; ".join(f"{a} area(s), {q} residents, {k:.2f} km²"
                              for a, q, k in zip(p.areas, p["pop"], p.km2))
            f.append(("pcn", "NON_CONTIGUOUS", c,
                      f"footprint is in {row.components} pieces: {parts}"))
        if c in n_out.index:
            fl.append("PRACTICE_OUTSIDE_FOOTPRINT")
            for _, o in outside[outside.pcn_code == c].iterrows():
                where = ("outside every area of the dataset" if pd.isna(o.area_ix) else
                         f"in area {areas.area_code.iat[int(o.area_ix)]}, in the footprint of "
                         f"{o.area_pcn}" if o.area_pcn is not None else
                         f"in area {areas.area_code.iat[int(o.area_ix)]}, which no PCN's footprint holds")
                f.append(("pcn", "PRACTICE_OUTSIDE_FOOTPRINT", c,
                          f"member practice {o.practice_code} ({o.practice_name}) lies {where}"))
        if row.areas == 0:
            fl.append("NO_FOOTPRINT")
            f.append(("pcn", "NO_FOOTPRINT", c, "no area is assigned to this PCN"))
        if is_rural[c]:
            fl.append("RURAL")
            f.append(("pcn", "RURAL", c,
                      f"rural share {row.rural_share:.1%} of {row.share_basis.replace('_', ' ')} "
                      f"(threshold {threshold:.1%}); sparse share {row.sparse_share:.1%}"))
    pcns["flags"] = [";".join(flags[c]) for c in pcns.index]
    for code in d["invalid"]:
        f.append(("dataset", "AREA_INVALID_GEOMETRY", code,
                  f"area {code} is not a valid OGC polygon ({shapely.is_valid_reason(areas.geometry[code_ix[code]])}); "
                  "repaired with shapely.make_valid"))
    for _, p in practices[practices.pcn_code.isna()].iterrows():
        f.append(("dataset", "PRACTICE_WITHOUT_PCN", p.practice_code, f"{p.practice_name} has no PCN code"))
    for _, p in practices[practices.easting.isna()].iterrows():
        f.append(("dataset", "PRACTICE_UNLOCATED", p.practice_code,
                  f"{p.practice_name} ({p.postcode}) has no location"))
    for _, p in practices[practices.list_size.isna()].iterrows():
        f.append(("dataset", "PRACTICE_WITHOUT_LIST_SIZE", p.practice_code,
                  f"{p.practice_name} has no list size (counts as 0)"))
    for i in np.flatnonzero(pd.isna(area_pcn) & (assigned_by != "mostly_unallocated")):
        f.append(("dataset", "AREA_UNASSIGNED", areas.area_code.iat[i], "in no PCN's footprint"))
    for i in np.flatnonzero(mostly):
        f.append(("area", "AREA_MOSTLY_UNALLOCATED", areas.area_code.iat[i],
                  f"{unalloc[i]} of {total[i]} registered patients at practices with no PCN; "
                  + (f"assigned to {area_pcn[i]}" if pd.notna(area_pcn[i]) else "left in no footprint")))
    for i, t in tied.items():
        f.append(("area", "FOOTPRINT_TIE", areas.area_code.iat[i],
                  f"{int(top.set_index('area_ix').patients[i])} patients each registered with "
                  f"{' and '.join(t)}: assigned to {t[0]} (lowest code)"))
    for i in np.flatnonzero(neighbours == 0):
        f.append(("area", "AREA_ISLAND", areas.area_code.iat[i], "touches no other area"))
    findings = pd.DataFrame(f, columns=["scope", "code", "subject", "detail"])
    findings["o"] = findings.scope.map(SCOPE_ORDER)
    findings = findings.sort_values(["o", "code", "subject", "detail"]).drop(columns="o")
    return {"pcns": pcns, "findings": findings, "adj": adj}


def dissolve(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    a = gpd.GeoDataFrame({"pcn_code": areas.pcn_code}, geometry=areas.geom_valid, crs=27700)
    return a[a.pcn_code.notna()].dissolve(by="pcn_code")


def write(out: Path, d: dict, res: dict, dissolved: gpd.GeoDataFrame) -> None:
    out.mkdir(parents=True, exist_ok=True)
    areas, pcns = d["areas"], res["pcns"]
    summary = pcns.reset_index()[[
        "pcn_code", "pcn_name", "practices", "list_size", "resident_population", "band",
        "rural_share", "sparse_share", "share_basis", "areas", "area_km2", "components",
        "contiguous", "flags"]]
    # Formatted like pcn-atlas: the double's exact decimal expansion rounded (Python's format),
    # not numpy's round(), which scales first (0.24375 -> 0.2438 instead of 0.2437).
    fmt = lambda digits: (lambda x: "" if pd.isna(x) else f"{x:.{digits}f}")
    num = summary.assign(rural_share=summary.rural_share.round(4),
                         sparse_share=summary.sparse_share.round(4), area_km2=summary.area_km2.round(3))
    summary = summary.assign(rural_share=summary.rural_share.map(fmt(4)),
                             sparse_share=summary.sparse_share.map(fmt(4)),
                             area_km2=summary.area_km2.map(fmt(3)),
                             contiguous=summary.contiguous.map({True: "true", False: "false"}))
    summary.to_csv(out / "pcn_summary.csv", index=False)
    res["findings"].to_csv(out / "findings.csv", index=False, quoting=csv.QUOTE_MINIMAL)
    member_codes = (d["practices"][d["practices"].pcn_code.notna()]
                    .groupby("pcn_code").practice_code.agg(" ".join))
    p = num.set_index("pcn_code").assign(practice_codes=member_codes)
    pg = gpd.GeoDataFrame(p, geometry=dissolved.geometry.reindex(p.index), crs=27700).reset_index()
    pg.to_crs(4326).to_file(out / "pcns.geojson", driver="GeoJSON", engine="pyogrio", RFC7946="YES")
    ag = gpd.GeoDataFrame(
        {"area_code": areas.area_code, "area_name": areas.get("area_name"),
         "lad_code": areas.get("lad_code"), "population": areas.population, "ruc": areas.ruc,
         "rural": areas.ruc.isin(RURAL), "pcn_code": areas.pcn_code,
         "assigned_by": areas.assigned_by, "component": areas.component.astype("Int64"),
         "neighbours": areas.neighbours},
        geometry=areas.geometry, crs=27700)
    ag.to_crs(4326).to_file(out / "areas.geojson", driver="GeoJSON", engine="pyogrio", RFC7946="YES")


def headline(summary: pd.DataFrame) -> dict:
    fl = summary["flags"].fillna("").str.split(";")
    has = lambda code: int(fl.map(lambda x: code in x).sum())
    comp = summary.components.astype(int)
    return {
        "PCNs": len(summary),
        "below band": int((summary.band == "below").sum()),
        "within band": int((summary.band == "within").sum()),
        "above band": int((summary.band == "above").sum()),
        "non-contiguous": int((comp > 1).sum()),
        "rural": has("RURAL"),
        "rural waiver candidates": has("RURAL_WAIVER_CANDIDATE"),
        "with a practice outside": has("PRACTICE_OUTSIDE_FOOTPRINT"),
    }


def cmd_check(a: argparse.Namespace) -> int:
    st = Stages()
    d = st.run("load", load, Path(a.dataset))
    res = st.run("check", check, d, a.adjacency, a.band_min, a.band_max, a.rural_threshold)
    print(f"adjacency: {d['adjacency_s']:.2f} s (part of check)", file=sys.stderr)
    dissolved = st.run("dissolve", dissolve, d["areas"])
    st.run("write", write, Path(a.out), d, res, dissolved)
    st.finish("check_python")
    pcns = res["pcns"]
    h = headline(pcns.reset_index())
    print(f"{len(pcns)} PCNs, {len(d['practices'])} practices, {len(d['areas'])} areas, "
          f"{res['adj'].nnz // 2} adjacent pairs")
    print(f"population band {a.band_min}–{a.band_max}: {h['below band']} below, "
          f"{h['within band']} within, {h['above band']} above")
    print(f"contiguous: {h['PCNs'] - h['non-contiguous']}, non-contiguous: {h['non-contiguous']}; "
          f"rural: {h['rural']}; rural waiver candidates: {h['rural waiver candidates']}")
    print(res["findings"].groupby(["scope", "code"]).size().to_string())
    print(f"wrote {a.out}")
    if a.compare:
        return compare(Path(a.out), Path(a.compare))
    return 0


# --------------------------------------------------------------------------------------------
# compare
# --------------------------------------------------------------------------------------------


def compare(py_out: Path, rust_out: Path) -> int:
    py = pd.read_csv(py_out / "pcn_summary.csv", dtype={"flags": str}, keep_default_na=False,
                     na_values={"rural_share": [""], "sparse_share": [""]})
    ru = pd.read_csv(rust_out / "pcn_summary.csv", dtype={"flags": str}, keep_default_na=False,
                     na_values={"rural_share": [""], "sparse_share": [""]})
    hp, hr = headline(py), headline(ru)
    print(f"\n| headline | Python | pcn-atlas |\n|---|---:|---:|")
    for k in hp:
        mark = "" if hp[k] == hr[k] else "  <- differs"
        print(f"| {k} | {hp[k]} | {hr[k]} |{mark}")
    m = py.merge(ru, on="pcn_code", how="outer", suffixes=("_py", "_rs"), indicator=True)
    only = m[m._merge != "both"]
    for _, r in only.iterrows():
        print(f"PCN {r.pcn_code} only in {'Python' if r._merge == 'left_only' else 'pcn-atlas'}")
    m = m[m._merge == "both"]
    diffs = 0
    for col, tol in [("practices", 0), ("list_size", 0), ("resident_population", 0), ("band", None),
                     ("rural_share", 5.1e-5), ("sparse_share", 5.1e-5), ("share_basis", None),
                     ("areas", 0), ("area_km2", 2e-3), ("components", 0), ("contiguous", None),
                     ("flags", None)]:
        a, b = m[f"{col}_py"], m[f"{col}_rs"]
        if tol is None:
            bad = a.astype(str).str.lower() != b.astype(str).str.lower()
        else:
            bad = ~(((a - b).abs() <= tol) | (a.isna() & b.isna()))
        if bad.any():
            diffs += int(bad.sum())
            ex = m[bad].head(8)
            print(f"{col}: {int(bad.sum())} PCNs differ, e.g. " + ", ".join(
                f"{r.pcn_code} {r[f'{col}_py']!r} vs {r[f'{col}_rs']!r}" for _, r in ex.iterrows()))
    if not diffs and only.empty:
        print("every pcn_summary.csv column compared is equal (shares to 5e-5, km² to 0.002)")
    fpy, frs = pd.read_csv(py_out / "findings.csv"), pd.read_csv(rust_out / "findings.csv")
    fp, fr = fpy.groupby("code").size(), frs.groupby("code").size()
    # The same findings about the same subjects (details are worded differently).
    key = lambda f: set(zip(f.scope, f.code, f.subject.astype(str)))
    kp, kr = key(fpy), key(frs)
    print(f"findings (scope, code, subject): {len(kp & kr)} in both, {len(kp - kr)} only in Python"
          f"{' ' + str(sorted(kp - kr)[:5]) if kp - kr else ''}, {len(kr - kp)} only in pcn-atlas"
          f"{' ' + str(sorted(kr - kp)[:5]) if kr - kp else ''}")
    fc = pd.DataFrame({"Python": fp, "pcn-atlas": fr}).fillna(0).astype(int)
    fc = fc[fc.Python != fc["pcn-atlas"]]
    if len(fc):
        print("findings counts that differ:\n" + fc.to_string())
    else:
        print("findings counts by code: equal")
    return 0 if hp == hr else 1


def cmd_compare(a: argparse.Namespace) -> int:
    return compare(Path(a.py_out), Path(a.rust_out))


# --------------------------------------------------------------------------------------------
# import
# --------------------------------------------------------------------------------------------


def norm_pc(s: pd.Series) -> pd.Series:
    return s.fillna("").str.replace(r"\s+", "", regex=True).str.upper()


def read_codepoint(folder: Path) -> pd.DataFrame:
    head = pd.read_csv(folder / "Doc" / "Code-Point_Open_Column_Headers.csv", header=None)
    names = head.iloc[1].tolist()  # Postcode, Positional_quality_indicator, Eastings, Northings, ...
    files = sorted(glob.glob(str(folder / "Data" / "CSV" / "*.csv")))
    cp = pd.concat((pd.read_csv(f, header=None, names=names, dtype={names[0]: str}) for f in files),
                   ignore_index=True)
    cp = cp[cp.Positional_quality_indicator != 90]  # 90: no coordinates
    cp["pc"] = norm_pc(cp.Postcode)
    return cp.drop_duplicates("pc").set_index("pc")[["Eastings", "Northings"]]


def find_one(raw: Path, pred) -> Path | None:
    hits = sorted(p for p in raw.iterdir() if pred(p.name.lower()))
    return hits[0] if hits else None


def do_import(raw: Path, out: Path) -> dict:
    rep: list[tuple[str, str, str]] = []
    st = Stages()

    def practices_stage():
        mp = pd.read_csv(find_one(raw, lambda n: n.startswith("gp-reg-pat-prac-map") and n.endswith(".csv")),
                         dtype=str, keep_default_na=False)
        mp = mp.rename(columns={"PRACTICE_CODE": "practice_code", "PRACTICE_NAME": "practice_name",
                                "PRACTICE_POSTCODE": "postcode", "PCN_CODE": "pcn_code",
                                "PCN_NAME": "pcn_name"})
        mp = mp[["practice_code", "practice_name", "pcn_code", "pcn_name", "postcode"]].copy()
        unalloc = (mp.pcn_code.str.strip().str.upper() == "U") | (mp.pcn_name.str.strip().str.lower() == "unallocated")
        mp.loc[unalloc, ["pcn_code", "pcn_name"]] = ""
        ls = pd.read_csv(find_one(raw, lambda n: n.startswith("gp-reg-pat-prac-all") and n.endswith(".csv")),
                         dtype={"CODE": str, "POSTCODE": str, "NUMBER_OF_PATIENTS": np.int64})
        if "SEX" in ls:
            ls = ls[(ls.SEX.str.upper() == "ALL") & (ls.AGE.astype(str).str.upper() == "ALL")]
        ls = ls.set_index("CODE")
        ep_path = find_one(raw, lambda n: n.startswith("epraccur") and n.endswith(".csv"))
        ep = pd.read_csv(ep_path, header=None, usecols=[0, 1, 9, 12], names=["code", "name", "postcode", "status"],
                         dtype=str, encoding="latin-1", keep_default_na=False).set_index("code")
        cp = read_codepoint(find_one(raw, lambda n: n.startswith("codepoint") and "." not in n))
        mp["pc"] = norm_pc(mp.postcode)
        loc = cp.reindex(mp.pc)
        mp["easting"] = loc.Eastings.to_numpy()
        mp["northing"] = loc.Northings.to_numpy()
        # Fallback: the epraccur postcode, when it differs.
        miss = mp.easting.isna()
        alt = norm_pc(ep.postcode.reindex(mp.practice_code[miss]).fillna(""))
        alt_loc = cp.reindex(alt.to_numpy())
        ok = (alt.to_numpy() != mp.pc[miss].to_numpy()) & alt_loc.Eastings.notna().to_numpy()
        idx = mp.index[miss][ok]
        mp.loc[idx, "easting"] = alt_loc.Eastings.to_numpy()[ok]
        mp.loc[idx, "northing"] = alt_loc.Northings.to_numpy()[ok]
        for i in idx:
            rep.append(("POSTCODE_FROM_EPRACCUR", mp.practice_code[i],
                        f"postcode {mp.postcode[i]} is not in Code-Point Open; located by its epraccur postcode"))
        for _, p in mp[mp.easting.isna()].iterrows():
            rep.append(("POSTCODE_NOT_FOUND", p.practice_code,
                        f"postcode {p.postcode} of {p.practice_name} is not in Code-Point Open"))
        mp["list_size"] = ls.NUMBER_OF_PATIENTS.reindex(mp.practice_code).astype("Int64").to_numpy()
        for _, p in mp[mp.list_size.isna()].iterrows():
            rep.append(("NO_LIST_SIZE", p.practice_code, f"{p.practice_name} has no list size"))
        st_ = ep.status.reindex(mp.practice_code)
        for code, s in st_[st_.isin(["C", "D"])].items():
            rep.append(("PRACTICE_NOT_ACTIVE_IN_EPRACCUR", code, f"status {s} in epraccur"))
        for _, p in mp[mp.pcn_code == ""].iterrows():
            rep.append(("NO_PCN", p.practice_code, f"{p.practice_name} is Unallocated in the PCN map"))
        for code in ls.index.difference(mp.practice_code):
            rep.append(("NO_PCN", code, "has a list size but no row in the PCN map: not imported"))
        return mp.sort_values("practice_code")

    def areas_stage():
        areas = gpd.read_file(find_one(raw, lambda n: "boundaries" in n and n.endswith(".geojson")),
                              engine="pyogrio", use_arrow=True)
        areas = areas.rename(columns={"LSOA11CD": "area_code", "LSOA11NM": "area_name", "LAD_CODE": "lad_code"})
        pop = pd.read_csv(find_one(raw, lambda n: "population" in n and "centroid" not in n and n.endswith(".csv")),
                          encoding="utf-8-sig", thousands=",")
        ruc = pd.read_csv(find_one(raw, lambda n: "rural_urban" in n and n.endswith(".csv")), usecols=["lsoa", "RUC11CD"])
        cen = pd.read_csv(find_one(raw, lambda n: "centroid" in n and n.endswith(".csv")), encoding="utf-8-sig")
        areas = areas.merge(pop.rename(columns={"lsoa": "area_code", "pop": "population"}), on="area_code", how="left")
        areas = areas.merge(ruc.rename(columns={"lsoa": "area_code", "RUC11CD": "ruc"}), on="area_code", how="left")
        cen = cen.rename(columns={"lsoa11cd": "area_code", "X": "centroid_lon", "Y": "centroid_lat"})
        areas = areas.merge(cen[["area_code", "centroid_lon", "centroid_lat"]], on="area_code", how="left")
        for what in ["population", "ruc", "centroid_lon"]:
            for code in areas.area_code[areas[what].isna()]:
                rep.append(("JOIN_MISSING", code, f"no {what.replace('_lon', '')} for {code}"))
        valid = shapely.is_valid(areas.geometry.to_numpy())
        for code, why in zip(areas.area_code[~valid], shapely.is_valid_reason(areas.geometry[~valid].to_numpy())):
            rep.append(("AREA_INVALID_GEOMETRY", code, f"not a valid OGC polygon ({why}); used as it is"))
        areas["population"] = areas.population.astype("Int64")
        return areas.sort_values("area_code")[["area_code", "area_name", "lad_code", "population", "ruc",
                                               "centroid_lon", "centroid_lat", "geometry"]]

    def regs_stage(mp, areas):
        rg = pd.read_csv(find_one(raw, lambda n: n.startswith("gp-reg-pat-prac-lsoa") and n.endswith(".csv")),
                         dtype={"PRACTICE_CODE": str, "LSOA_CODE": str, "NUMBER_OF_PATIENTS": np.int64})
        rg.columns = ["practice_code", "area_code", "patients"]
        in_map = rg.practice_code.isin(mp.practice_code)
        in_areas = rg.area_code.isin(areas.area_code)
        for what, m in [("REGISTRATIONS_PRACTICE_NOT_IN_MAP", ~in_map),
                        ("REGISTRATIONS_AREA_NOT_IN_BOUNDARIES", in_map & ~in_areas)]:
            if m.any():
                rep.append((what, "registrations", f"{int(m.sum())} rows ({int(rg.patients[m].sum())} patients): not written"))
        return rg[in_map & in_areas].sort_values(["practice_code", "area_code"])

    mp = st.run("practices", practices_stage)
    areas = st.run("areas", areas_stage)
    rg = st.run("regs", regs_stage, mp, areas)

    def write_stage():
        out.mkdir(parents=True, exist_ok=True)
        mp[["practice_code", "practice_name", "pcn_code", "pcn_name", "list_size", "postcode",
            "easting", "northing"]].to_csv(out / "practices.csv", index=False, float_format="%.15g")
        areas.to_file(out / "areas.geojson", driver="GeoJSON", engine="pyogrio", RFC7946="YES")
        rg.to_csv(out / "registrations.csv", index=False)
        pd.DataFrame(sorted(rep), columns=["code", "subject", "detail"]).to_csv(out / "import_report.csv", index=False)

    st.run("write", write_stage)
    st.finish("import_python")
    print(f"wrote {out}: {len(mp)} practices ({int(mp.easting.notna().sum())} located) in "
          f"{mp.pcn_code[mp.pcn_code != ''].nunique()} PCNs, {len(areas)} areas, {len(rg)} registration rows "
          f"({int(rg.patients.sum())} patients)")
    print(pd.Series([r[0] for r in rep]).value_counts().sort_index().to_string())
    return {}


def cmd_import(a: argparse.Namespace) -> int:
    do_import(Path(getattr(a, "from")), Path(a.out))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="pcn-atlas check, the Python way")
    c.add_argument("--dataset", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--adjacency", choices=["graph", "weights"], default="graph",
                   help="libpysal.graph.Graph.build_contiguity (default, faster) or weights.Queen")
    c.add_argument("--band-min", type=int, default=30000)
    c.add_argument("--band-max", type=int, default=50000)
    c.add_argument("--rural-threshold", type=float, default=0.5)
    c.add_argument("--compare", metavar="RUST_OUT", help="compare with pcn-atlas's outputs in this folder")
    c.set_defaults(fn=cmd_check)
    i = sub.add_parser("import", help="pcn-atlas import, the Python way")
    i.add_argument("--from", required=True)
    i.add_argument("--out", required=True)
    i.set_defaults(fn=cmd_import)
    m = sub.add_parser("compare", help="compare two pcn_summary.csv / findings.csv")
    m.add_argument("py_out")
    m.add_argument("rust_out")
    m.set_defaults(fn=cmd_compare)
    a = ap.parse_args()
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
