"""The chamber adjacency graph and its export to GraphML and JSON.

Two chambers share a wall exactly when their sign vectors differ on one hyperplane, so the edges
are found by zeroing one column of the sign matrix at a time and pairing equal rows. Graph
distance equals the number of separating hyperplanes (the Hamming distance of sign vectors),
hence the diameter is ``n``, reached by every pair of antipodal chambers ``(s, -s)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from arrangement.core.atomic import atomic_open, atomic_path
from arrangement.core.numbers import fraction_str
from arrangement.geometry.lattice import ProgressFn

if TYPE_CHECKING:
    from arrangement.geometry.arrangement import Arrangement

__all__ = [
    "adjacency_graph",
    "graph_json",
    "graph_summary",
    "walls",
    "write_graphml",
    "write_json",
]


def walls(arr: Arrangement, *, progress: ProgressFn | None = None) -> list[tuple[int, int, int]]:
    """Every wall as ``(chamber_a, chamber_b, hyperplane)`` with ``chamber_a < chamber_b``.

    Parameters
    ----------
    arr : Arrangement
        The arrangement.
    progress : callable, optional
        ``progress(h, n)`` after each hyperplane (first computation only: cached).

    Notes
    -----
    One stable sort of ``r`` packed rows per hyperplane: ``O(n r log r)`` in all.
    """

    def build() -> list[tuple[int, int, int]]:
        signs = arr.regions().hyperplane_signs
        r, n = signs.shape
        out: list[tuple[int, int, int]] = []
        if r < 2:
            return out
        for h in range(n):
            if progress is not None:
                progress(h + 1, n)
            masked = np.ascontiguousarray(signs.copy())
            masked[:, h] = 0
            keys = masked.view(np.dtype((np.void, n))).ravel()
            order = np.argsort(keys, kind="stable")
            sk = keys[order]
            same = np.flatnonzero(sk[1:] == sk[:-1])
            for i in same.tolist():
                a, b = int(order[i]), int(order[i + 1])
                out.append((min(a, b), max(a, b), h))
        out.sort()
        return out

    return arr._cached("walls", build)


def adjacency_graph(arr: Arrangement) -> nx.Graph:
    """The chamber graph as a :class:`networkx.Graph`.

    Nodes are chamber indices with attributes ``signs`` (per input row), ``hyperplane_signs``,
    ``witness`` (tuple of int) and ``pattern`` (active input rows). Each edge is a wall, with
    attributes ``hyperplane`` (its index) and ``rows`` (the input rows on it).

    Examples
    --------
    >>> from arrangement import Arrangement
    >>> g = Arrangement.from_points([[0], [1], [3]]).adjacency_graph()
    >>> g.number_of_nodes(), g.number_of_edges(), nx.diameter(g)
    (6, 6, 3)
    """
    reg = arr.regions()
    g = nx.Graph()
    for ch in reg:
        g.add_node(
            ch.index,
            signs=ch.signs,
            hyperplane_signs=ch.hyperplane_signs,
            witness=ch.witness,
            pattern=ch.pattern,
        )
    rows_on = _rows_on(arr)
    for a, b, h in walls(arr):
        g.add_edge(a, b, hyperplane=h, rows=rows_on[h])
    return g


def _rows_on(arr: Arrangement) -> list[tuple[int, ...]]:
    rows: list[list[int]] = [[] for _ in range(arr.n_hyperplanes)]
    for i, h in enumerate(arr.row_to_hyperplane):
        rows[h].append(i)
    return [tuple(r) for r in rows]


def graph_summary(arr: Arrangement, *, progress: ProgressFn | None = None) -> dict[str, int]:
    """Node and edge counts, diameter and degree range of the chamber graph.

    The diameter is computed by breadth-first search from one chamber ``c``: its eccentricity
    is a lower bound, and the number ``n`` of hyperplanes an upper bound (distance equals the
    number of separating hyperplanes); the two are checked to agree.

    Parameters
    ----------
    arr : Arrangement
        The arrangement.
    progress : callable, optional
        Passed to :func:`walls`.
    """
    reg = arr.regions()
    r = len(reg)
    deg = np.zeros(r, dtype=np.int64)
    adj: list[list[int]] = [[] for _ in range(r)]
    edges = walls(arr, progress=progress)
    for a, b, _ in edges:
        deg[a] += 1
        deg[b] += 1
        adj[a].append(b)
        adj[b].append(a)
    ecc = _eccentricity(adj, 0)
    if ecc != arr.n_hyperplanes:
        raise AssertionError(f"eccentricity {ecc} of chamber 0 differs from n")
    return {
        "n_nodes": r,
        "n_edges": len(edges),
        "diameter": ecc,
        "min_degree": int(deg.min()) if r else 0,
        "max_degree": int(deg.max()) if r else 0,
    }


def _eccentricity(adj: list[list[int]], source: int) -> int:
    dist = {source: 0}
    frontier = [source]
    depth = 0
    while frontier:
        nxt = []
        for u in frontier:
            for v in adj[u]:
                if v not in dist:
                    dist[v] = depth + 1
                    nxt.append(v)
        if nxt:
            depth += 1
        frontier = nxt
    return depth


def _export_graph(arr: Arrangement) -> nx.Graph:
    """A copy of the chamber graph with attributes as strings (GraphML has no tuples)."""
    g = adjacency_graph(arr)
    h = nx.Graph()
    for v, data in g.nodes(data=True):
        h.add_node(
            v,
            signs=" ".join(f"{s:+d}" for s in data["signs"]),
            witness=" ".join(fraction_str(x) for x in data["witness"]),
            pattern=" ".join(str(i) for i in data["pattern"]),
        )
    for a, b, data in g.edges(data=True):
        h.add_edge(a, b, hyperplane=data["hyperplane"], rows=" ".join(map(str, data["rows"])))
    return h


def write_graphml(arr: Arrangement, path: str | Path) -> None:
    """Write the chamber graph as GraphML (sign vectors and witnesses as strings)."""
    with atomic_path(path) as tmp:
        nx.write_graphml(_export_graph(arr), str(tmp))


def graph_json(arr: Arrangement) -> dict[str, Any]:
    """The chamber graph as a JSON-ready dict (node-link form, exact witnesses)."""
    g = adjacency_graph(arr)
    return {
        "nodes": [
            {
                "id": v,
                "signs": list(d["signs"]),
                "witness": [fraction_str(x) for x in d["witness"]],
                "pattern": list(d["pattern"]),
            }
            for v, d in g.nodes(data=True)
        ],
        "edges": [
            {"source": a, "target": b, "hyperplane": d["hyperplane"], "rows": list(d["rows"])}
            for a, b, d in g.edges(data=True)
        ],
    }


def write_json(arr: Arrangement, path: str | Path) -> None:
    """Write the chamber graph as JSON (see :func:`graph_json`)."""
    with atomic_open(path) as fh:
        fh.write(json.dumps(graph_json(arr)) + "\n")
