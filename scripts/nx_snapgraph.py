"""The exported pcn-atlas road graph in networkx, with snapped points as
virtual nodes. Shared by scripts/route_networkx.py (issue 4) and
scripts/analyse_reference.py (issue 5); not run on its own.

Install:  pip install --quiet networkx numpy

Reads what examples/rutland_pairs.rs or examples/rutland_analyse_export.rs
exported: edges.npy (tail, head, weight ms), anchors.npy (snap, edge,
from_tail_ms, to_head_ms) and snaps.csv (snap, ..., off_road_s, ...).
"""

import csv
from collections import defaultdict

import networkx as nx
import numpy as np


class SnapGraph:
    """A DiGraph of the exported edges (integer millisecond weights; of
    parallel edges the lightest) and the anchors of every snapped point."""

    def __init__(self, folder):
        self.edges = np.load(f"{folder}/edges.npy")
        self.anchors = np.load(f"{folder}/anchors.npy").reshape(-1, 4)
        with open(f"{folder}/snaps.csv", newline="") as f:
            self.snaps = list(csv.DictReader(f))
        best = {}
        for tail, head, w in self.edges.tolist():
            k = (tail, head)
            if k not in best or w < best[k]:
                best[k] = w
        self.g = nx.DiGraph()
        self.g.add_weighted_edges_from(((u, v, w) for (u, v), w in best.items()), weight="w")
        self.tail = self.edges[:, 0].tolist()
        self.head = self.edges[:, 1].tolist()
        self.by_snap = defaultdict(list)  # snap -> [(edge, from_tail_ms, to_head_ms)]
        for s, e, ft, th in self.anchors.tolist():
            self.by_snap[s].append((e, ft, th))

    def network_ms(self, i, j):
        """Shortest network milliseconds from snap i to snap j (None when
        unreachable). The two points are inserted as virtual nodes:
          source S:  S -> head(e) with to_head_ms for each anchor edge e,
                     and S -> tail(e) at 0 when the point is at the tail;
          target T:  tail(e) -> T with from_tail_ms for each anchor edge e,
                     and head(e) -> T at 0 when the point is at the head;
          same edge: S -> T with (T.from_tail_ms - S.from_tail_ms) when both
                     lie on one edge and T is further along it
                     (Snap::same_edge_ms)."""
        g, tail, head = self.g, self.tail, self.head
        src, dst = ("S",), ("T",)
        g.add_node(src)
        g.add_node(dst)

        def add(u, v, w):
            if not g.has_edge(u, v) or w < g[u][v]["w"]:
                g.add_edge(u, v, w=w)

        for e, ft, th in self.by_snap[i]:
            add(src, head[e], th)
            if ft == 0:
                add(src, tail[e], 0)
        for e, ft, th in self.by_snap[j]:
            add(tail[e], dst, ft)
            if th == 0:
                add(head[e], dst, 0)
        for ea, fa, _ in self.by_snap[i]:
            for eb, fb, _ in self.by_snap[j]:
                if ea == eb and fa <= fb:
                    add(src, dst, fb - fa)
        try:
            return nx.shortest_path_length(g, src, dst, weight="w")
        except nx.NetworkXNoPath:
            return None
        finally:
            g.remove_node(src)
            g.remove_node(dst)
