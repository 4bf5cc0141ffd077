#!/usr/bin/env python3
"""Check pcn-atlas drive times on Rutland against networkx (issue 4).

Install:  pip install --quiet networkx numpy
Run:      cargo run --release --example rutland_pairs -- ../shared/data target/rutland_pairs
          python3 scripts/route_networkx.py target/rutland_pairs

Reads what examples/rutland_pairs.rs exported (edges.npy, anchors.npy,
snaps.csv, pairs.npy), builds a networkx DiGraph from the edges (integer
millisecond weights; of parallel edges the lightest; scripts/nx_snapgraph.py),
and for each pair inserts the two snapped points as virtual nodes:
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

import sys
import time

import networkx as nx
import numpy as np

from nx_snapgraph import SnapGraph

U64_MAX = np.iinfo(np.uint64).max


def main(folder):
    t0 = time.perf_counter()
    sg = SnapGraph(folder)
    build_s = time.perf_counter() - t0
    g, edges, anchors = sg.g, sg.edges, sg.anchors
    pairs = np.load(f"{folder}/pairs.npy")
    off_road_s = [float(r["off_road_s"]) for r in sg.snaps]

    equal = 0
    mismatches = []
    max_total_diff = 0.0
    t0 = time.perf_counter()
    for i, j, ours in pairs.tolist():
        theirs = sg.network_ms(i, j)
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
