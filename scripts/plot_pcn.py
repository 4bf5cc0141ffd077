#!/usr/bin/env python3
"""Draw PCNs from a `pcn-atlas check` output, one PNG each.

Each map shows one PCN's areas (LSOAs) coloured by footprint component
(1 = the most populous piece, as in areas.geojson `component`), its member
practices as black-edged dots in their piece's colour (a white dot when
outside the footprint), the neighbouring PCNs' areas in grey with their
footprint outlines, other practices as small grey dots, and a 1 km scale bar.
Coordinates are drawn in British National Grid metres.

Install (Python 3.10+):  pip install --quiet matplotlib pandas shapely pyproj

Run:
  python3 scripts/plot_pcn.py --check /tmp/rv-out U54044 U90861 ...
writes docs/img/<code>.png (small: about 60-120 KB at the default size).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402
import shapely  # noqa: E402
from shapely.geometry import Point, box  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from review_national import TO_BNG, load_areas, load_pcns, to_bng  # noqa: E402

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def patch(geom, **kw):
    """A matplotlib patch for a (multi)polygon with holes."""
    verts, codes = [], []
    polys = geom.geoms if hasattr(geom, "geoms") else [geom]
    for p in polys:
        for ring in [p.exterior, *p.interiors]:
            xy = list(ring.coords)
            verts += xy
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY]
    return PathPatch(MplPath(verts, codes), **kw)


def load_practices(check_dir: Path):
    with open(check_dir / "practices.geojson", encoding="utf-8") as f:
        fc = json.load(f)
    out = []
    for feat in fc["features"]:
        g = feat["geometry"]
        if g is None:
            continue
        x, y = TO_BNG.transform(*g["coordinates"])
        out.append((feat["properties"], x, y))
    return out


def plot(code, areas, pcns, outlines, practices, out_dir: Path, margin=0.25):
    mine = {c: v for c, v in areas.items() if v[0]["pcn_code"] == code}
    if not mine:
        raise SystemExit(f"{code}: no area has this pcn_code")
    props = pcns[code]["properties"]
    minx, miny, maxx, maxy = shapely.total_bounds([g for _, g in mine.values()])
    w, h = maxx - minx, maxy - miny
    pad = max(w, h) * margin + 500
    view = box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    fig, ax = plt.subplots(figsize=(6.0, 6.0), dpi=80)
    # Neighbours in grey, outlined per PCN (thin white lines between LSOAs).
    for c, (p, g) in areas.items():
        if p["pcn_code"] != code and g.intersects(view):
            ax.add_patch(patch(g, facecolor="#dddddd", edgecolor="white", linewidth=0.3))
    for c, (p, g) in mine.items():
        k = (p["component"] or 1) - 1
        ax.add_patch(patch(g, facecolor=COLOURS[k % len(COLOURS)], alpha=0.55,
                           edgecolor="white", linewidth=0.4))
    # Footprint outlines of every PCN in view (dissolved, from pcns.geojson).
    for c, gb in outlines.items():
        if gb.intersects(view):
            ax.add_patch(patch(gb, facecolor="none", edgecolor="#444444" if c == code else "#999999",
                               linewidth=1.2 if c == code else 0.6))
    member = set(props["practice_codes"])
    for p, x, y in practices:
        if not view.contains(Point(x, y)):
            continue
        if p["practice_code"] in member:
            comp = p["component"]
            face = "white" if not p["inside_footprint"] else COLOURS[(comp - 1) % len(COLOURS)]
            ax.plot(x, y, "o", ms=7, mfc=face, mec="black", mew=1.2, zorder=5)
        else:
            ax.plot(x, y, "o", ms=3, mfc="#777777", mec="none", zorder=4)
    # Scale bar: 1 km, or 5 km for big views.
    bar = 1000 if w < 15000 else 5000
    x0, y0 = minx - pad * 0.8, miny - pad * 0.8
    ax.plot([x0, x0 + bar], [y0, y0], color="black", lw=2)
    ax.text(x0, y0 + pad * 0.05, f"{bar // 1000} km", fontsize=8)
    ax.set_xlim(view.bounds[0], view.bounds[2])
    ax.set_ylim(view.bounds[1], view.bounds[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    parts = "+".join(str(sum(1 for p, _ in mine.values() if p["component"] == k + 1))
                     for k in range(props["components"]))
    ax.set_title(f"{code} {props['pcn_name']}\n{props['components']} pieces ({parts} LSOAs), "
                 f"list size {props['list_size']:,}", fontsize=9)
    fig.tight_layout()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{code}.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("codes", nargs="+", help="PCN codes")
    ap.add_argument("--check", type=Path, default=Path("/tmp/rv-out"), help="check output folder")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "img")
    args = ap.parse_args()
    areas = load_areas(args.check)
    pcns = load_pcns(args.check)
    outlines = {
        c: to_bng(shapely.geometry.shape(f["geometry"]))
        for c, f in pcns.items()
        if f["geometry"] is not None
    }
    practices = load_practices(args.check)
    for code in args.codes:
        plot(code, areas, pcns, outlines, practices, args.out)


if __name__ == "__main__":
    main()
