#!/usr/bin/env python3
"""Check pcn-atlas drive times on Rutland against networkx (issue 4).

Install:  pip install --quiet networkx numpy
Run:      cargo run --release --example rutland_pairs -- ../shared/data target/rutland_pairs
          python3 scripts/route_networkx.py target/rutland_pairs

Reads what examples/rutland_pairs.rs exported (edges.npy, anchors.npy,
snaps.csv, pairs.npy), builds a networkx DiGraph from the edges (integer
millisecond weights; of parallel edges the lightest), and for each pair
inserts the two snapped points as virtual nodes:
  source S:  S -> head(e) with to_head_ms for each anchor edge e,
             and S -> tail(e) at 0 when the point is at the tail (from_tail_ms == 0);
  target T:  tail(e) -> T with from_tail_ms for each anchor edge e,
             and head(e) -> T at 0 when the point is at the head (to_head_ms == 0);
  same edge: S -> T with (T.from_tail_ms - S.from_tail_ms) when both lie on one
             edge e and T is further along it (Snap::same_edge_ms).
Then nx.shortest_path_length(weight="w") from S to T must equal our network
milliseconds exactly (integers), and the total seconds (off-road legs added)
equal ours. Exit code 1 on any mismatch.
"""

import csv
import sys
import time
from collections import defaultdict

import networkx as nx
import numpy as np

U64_MAX = np.iinfo(np.uint64).max


def main(folder):
    edges = np.load(f"{folder}/edges.npy")
    anchors = np.load(f"{folder}/anchors.npy").reshape(-1, 4)
    pairs = np.load(f"{folder}/pairs.npy")
    with open(f"{folder}/snaps.csv", newline="") as f:
        off_road_s = [float(r["off_road_s"]) for r in csv.DictReader(f)]

    t0 = time.perf_counter()
    best = {}
    for tail, head, w in edges.tolist():
        k = (tail, head)
        if k not in best or w < best[k]:
            best[k] = w
    g = nx.DiGraph()
    g.add_weighted_edges_from(((u, v, w) for (u, v), w in best.items()), weight="w")
    build_s = time.perf_counter() - t0

    tail = edges[:, 0].tolist()
    head = edges[:, 1].tolist()
    by_snap = defaultdict(list)  # snap -> [(edge, from_tail_ms, to_head_ms)]
    for s, e, ft, th in anchors.tolist():
        by_snap[s].append((e, ft, th))

    equal = 0
    mismatches = []
    max_total_diff = 0.0
    t0 = time.perf_counter()
    for i, j, ours in pairs.tolist():
        src, dst = ("S",), ("T",)
        g.add_node(src)
        g.add_node(dst)

        def add(u, v, w):
            if not g.has_edge(u, v) or w < g[u][v]["w"]:
                g.add_edge(u, v, w=w)

        for e, ft, th in by_snap[i]:
            add(src, head[e], th)
            if ft == 0:
                add(src, tail[e], 0)
        for e, ft, th in by_snap[j]:
            add(tail[e], dst, ft)
            if th == 0:
                add(head[e], dst, 0)
        for ea, fa, _ in by_snap[i]:
            for eb, fb, _ in by_snap[j]:
                if ea == eb and fa <= fb:
                    add(src, dst, fb - fa)
        try:
            theirs = nx.shortest_path_length(g, src, dst, weight="w")
        except nx.NetworkXNoPath:
            theirs = None
        g.remove_node(src)
        g.remove_node(dst)

        ours_v = None if ours == U64_MAX else int(ours)
        if ours_v == theirs:
            equal += 1
            if theirs is not None:
                ours_total = off_road_s[i] + ours_v / 1000.0 + off_road_s[j]
                theirs_total = off_road_s[i] + theirs / 1000.0 + off_road_s[j]
                max_total_diff = max(max_total_diff, abs(ours_total - theirs_total))
        else:
            mismatches.append((i, j, ours_v, theirs))
    query_s = time.perf_counter() - t0

    finite = [int(p[2]) for p in pairs.tolist() if p[2] != U64_MAX]
    print(f"networkx {nx.__version__}: DiGraph {g.number_of_nodes()} nodes, "
          f"{g.number_of_edges()} edges (from {len(edges)} exported, parallel kept lightest), "
          f"built in {build_s:.2f} s")
    print(f"snaps: {len(off_road_s)}, anchors: {len(anchors)}")
    print(f"pairs: {len(pairs)}; equal (integer ms): {equal}; mismatches: {len(mismatches)}; "
          f"max |total seconds| difference {max_total_diff:g}")
    if finite:
        print(f"our network times: min {min(finite) / 60000:.2f} min, "
              f"median {sorted(finite)[len(finite) // 2] / 60000:.2f} min, "
              f"max {max(finite) / 60000:.2f} min")
    print(f"networkx shortest_path_length: {query_s:.1f} s for {len(pairs)} pairs")
    for m in mismatches[:20]:
        print("MISMATCH snap %d -> snap %d: ours %s ms, networkx %s ms" % m)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "target/rutland_pairs"))
