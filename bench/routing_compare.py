#!/usr/bin/env python3
"""Compare our routing with scipy.sparse.csgraph and python-igraph on the
same exported graph (the synthetic England-scale network).

    pip install --quiet numpy scipy python-igraph
    cargo bench --features synthetic --bench routing            # writes target/routing-bench/*.npy
    python3 bench/routing_compare.py target/routing-bench [--igraph-sources 20]

Reads edges.npy (tail, head, weight ms; uint32), nodes.npy (the matrix
nodes), one_to_all.npy (our Dijkstra from the first nodes to every node,
uint64 ms) and matrix.npy (our CH matrix, uint64 ms, 2**64-1 unreachable).

Prints: scipy one-to-all (Dijkstra) time per source, igraph one-to-all time
per source, igraph `distances` time for a subset of matrix rows (all 5,000
targets) extrapolated linearly to 5,000 rows, and checks that every value
compared is IDENTICAL (integer milliseconds summed in float64 are exact).
Weights are whole milliseconds, so parallel edges are reduced to their
minimum for scipy (a CSR matrix would sum duplicates).
"""

import argparse
import sys
import time

import igraph
import numpy as np
import scipy
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

UNREACHED = np.iinfo(np.uint64).max


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--igraph-sources", type=int, default=20)
    ap.add_argument("--scipy-sources", type=int, default=5)
    a = ap.parse_args()
    d = a.dir.rstrip("/")
    edges = np.load(f"{d}/edges.npy")
    nodes = np.load(f"{d}/nodes.npy").astype(np.int64)
    ours_all = np.load(f"{d}/one_to_all.npy")
    matrix = np.load(f"{d}/matrix.npy", mmap_mode="r")
    n = int(max(edges[:, 0].max(), edges[:, 1].max())) + 1
    k = len(nodes)
    print(f"graph: {n} nodes, {len(edges)} edges; matrix {k} x {k}; "
          f"scipy {scipy.__version__}, igraph {igraph.__version__}")

    # Parallel edges: keep the minimum (scipy would add duplicates up).
    order = np.lexsort((edges[:, 2], edges[:, 1], edges[:, 0]))
    e = edges[order]
    keep = np.ones(len(e), dtype=bool)
    keep[1:] = (e[1:, 0] != e[:-1, 0]) | (e[1:, 1] != e[:-1, 1])
    e = e[keep]
    csr = csr_matrix((e[:, 2].astype(np.float64), (e[:, 0], e[:, 1])), shape=(n, n))

    ok = True

    def same(ours_ms, theirs, what):
        nonlocal ok
        ours_f = np.where(ours_ms == UNREACHED, np.inf, ours_ms.astype(np.float64))
        bad = np.count_nonzero(ours_f != theirs)
        print(f"  {what}: {'IDENTICAL' if bad == 0 else f'{bad} DIFFERENT values'}")
        ok = ok and bad == 0

    # scipy one-to-all.
    s_n = min(a.scipy_sources, len(ours_all))
    t, c = time.perf_counter(), time.process_time()
    res = [dijkstra(csr, directed=True, indices=int(nodes[i])) for i in range(s_n)]
    per = (time.perf_counter() - t) / s_n
    per_c = (time.process_time() - c) / s_n
    print(f"scipy dijkstra one-to-all: {per:.3f} s wall, {per_c:.3f} s CPU per source ({s_n} sources)")
    for i in range(s_n):
        same(ours_all[i], res[i], f"source {i} vs our one-to-all")

    # igraph.
    t = time.perf_counter()
    g = igraph.Graph(n=n, edges=edges[:, :2].tolist(), directed=True)
    g.es["w"] = edges[:, 2].astype(np.float64).tolist()
    print(f"igraph graph built in {time.perf_counter() - t:.1f} s")
    t, c = time.perf_counter(), time.process_time()
    res = [np.array(g.distances(source=[int(nodes[i])], weights="w", mode="out")[0])
           for i in range(s_n)]
    per_i = (time.perf_counter() - t) / s_n
    per_c = (time.process_time() - c) / s_n
    print(f"igraph distances one-to-all: {per_i:.3f} s wall, {per_c:.3f} s CPU per source ({s_n} sources)")
    for i in range(s_n):
        same(ours_all[i], res[i], f"source {i} vs our one-to-all")

    # igraph matrix rows, all k targets.
    r = min(a.igraph_sources, k)
    targets = nodes.tolist()
    t, c = time.perf_counter(), time.process_time()
    rows = np.array(g.distances(source=targets[:r], target=targets, weights="w", mode="out"))
    el = time.perf_counter() - t
    el_c = time.process_time() - c
    print(f"igraph distances {r} x {k}: {el:.2f} s wall, {el_c:.2f} s CPU -> {k} x {k} "
          f"extrapolated linearly: {el * k / r:.0f} s wall, {el_c * k / r:.0f} s CPU")
    same(np.asarray(matrix[:r]), rows, f"igraph rows 0..{r} vs our CH matrix")
    # Spread rows too (not only the first).
    pick = np.linspace(0, k - 1, num=min(r, k), dtype=np.int64)
    rows = np.array(g.distances(source=[targets[i] for i in pick], target=targets,
                                weights="w", mode="out"))
    same(np.asarray(matrix[pick]), rows, f"igraph {len(pick)} spread rows vs our CH matrix")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
