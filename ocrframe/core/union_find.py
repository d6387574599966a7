"""Items joined into groups, one join at a time: the lines of a block, the runs of a table's
row, the grid positions of a cell.

>>> sets = UnionFind(5)
>>> sets.join(0, 3); sets.join(4, 1)
>>> sets.groups()
[[0, 3], [1, 4], [2]]
"""

from __future__ import annotations


class UnionFind:
    """The items ``0 .. count - 1``, each at first a group of its own (a disjoint-set forest
    with path halving)."""

    def __init__(self, count: int) -> None:
        self.parent = list(range(count))

    def find(self, k: int) -> int:
        """The item that stands for ``k``'s group."""
        parent = self.parent
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def join(self, a: int, b: int) -> None:
        """``b``'s group joined to ``a``'s (``a``'s representative stands for both)."""
        self.parent[self.find(b)] = self.find(a)

    def groups(self) -> list[list[int]]:
        """The groups, each in ascending order, in the order of their first items."""
        found: dict[int, list[int]] = {}
        for k in range(len(self.parent)):
            found.setdefault(self.find(k), []).append(k)
        return list(found.values())
