#!/usr/bin/env python3
"""Which area -> practice drives change between two road exports (issue 18,
item 4: the ferry rules), and whether their path took a ferry.

Install:  pip install --quiet networkx
Run:      pcn-atlas roads --roads ISLAND.osm.pbf --out rb   (before)
          pcn-atlas roads --roads ISLAND.osm.pbf --out ra   (after)
          python3 scripts/ferry_pairs.py rb/roads.geojson ra/roads.geojson \
              DATASET/areas.geojson OUT/practices.geojson

Builds a networkx DiGraph from each roads.geojson (each way's time, fixed
or length / speed, split over its segments by length; the largest strongly
connected component, as the routing graph keeps), snaps every area centroid
and practice to its nearest graph node (coarser than pcn-atlas's snapping to
the nearest road, so times differ slightly from ours; the set of pairs that
change is the point) and prints every pair whose minutes differ.
"""
import json, math, sys
import networkx as nx

def graph(path):
    g = nx.DiGraph()
    for f in json.load(open(path))["features"]:
        p = f["properties"]; c = f["geometry"]["coordinates"]
        t_way = p["fixed_seconds"] if p.get("fixed_seconds") is not None else p["length_m"] / (p["speed_kph"] / 3.6)
        seg = [math.hypot((c[i+1][0]-c[i][0]) * math.cos(math.radians(c[i][1])), c[i+1][1]-c[i][1]) for i in range(len(c)-1)]
        tot = sum(seg) or 1.0
        for i in range(len(c)-1):
            a, b = tuple(c[i]), tuple(c[i+1]); w = t_way * seg[i] / tot
            for u, v in ([(a, b)] if p["direction"] == "forward" else [(b, a)] if p["direction"] == "backward" else [(a, b), (b, a)]):
                if not g.has_edge(u, v) or g[u][v]["w"] > w:
                    g.add_edge(u, v, w=w, ferry=p["class"] == "ferry")
    big = max(nx.strongly_connected_components(g), key=len)
    return g.subgraph(big).copy()

def snap(g, pts):
    nodes = list(g.nodes)
    return [min(nodes, key=lambda n: ((n[0]-x) * math.cos(math.radians(y)))**2 + (n[1]-y)**2) for x, y in pts]

areas = [(f["properties"]["area_code"], f["properties"]["centroid_lon"], f["properties"]["centroid_lat"])
         for f in json.load(open(sys.argv[3]))["features"]]
pr = [(f["properties"]["practice_code"], *f["geometry"]["coordinates"]) for f in json.load(open(sys.argv[4]))["features"]]
res = {}
for name in (sys.argv[1], sys.argv[2]):
    g = graph(name); r = g.reverse(copy=False)
    an = snap(g, [(x, y) for _, x, y in areas]); pn = snap(g, [(x, y) for _, x, y in pr])
    t = {}
    for (pc, _, _), node in zip(pr, pn):
        d, paths = nx.single_source_dijkstra(r, node, weight="w")
        for (ac, _, _), a in zip(areas, an):
            t[(ac, pc)] = (d.get(a, math.inf) / 60, any(g[u][v]["ferry"] for u, v in zip(paths[a][::-1], paths[a][::-1][1:])) if a in paths else False)
    res[name] = t
b, a = res[sys.argv[1]], res[sys.argv[2]]
ch = [(k, b[k], a[k]) for k in b if abs(b[k][0] - a[k][0]) > 1e-6]
print("pairs", len(b), "changed", len(ch), "ferry-using before", sum(v[1] for v in b.values()), "after", sum(v[1] for v in a.values()))
for k, x, y in sorted(ch):
    print(k[0], k[1], f"{x[0]:.2f} -> {y[0]:.2f}", "ferry before" if x[1] else "", "ferry after" if y[1] else "")
