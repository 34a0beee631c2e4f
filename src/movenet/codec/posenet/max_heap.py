"""The official decoder's priority queue (`multi_pose/max_heap.ts`), kept as written so that roots
with equal scores come out in the same order as in the official client.

Its layout: element 0's only child is 1, element k >= 1 has children 2k and 2k + 1 (a 1-based
heap stored from 0), so ties are broken differently from Python's `heapq`.
"""

from __future__ import annotations


class MaxHeap:
    def __init__(self, key) -> None:
        self._items: list = []
        self._key = key

    def __len__(self) -> int:
        return len(self._items)

    def enqueue(self, item) -> None:
        self._items.append(item)
        self._swim(len(self._items) - 1)

    def dequeue(self):
        items = self._items
        top = items[0]
        last = len(items) - 1
        items[0], items[last] = items[last], items[0]
        items.pop()
        self._sink(0)
        return top

    def _less(self, i: int, j: int) -> bool:
        return self._key(self._items[i]) < self._key(self._items[j])

    def _swim(self, k: int) -> None:
        while k > 0 and self._less(k // 2, k):
            self._items[k], self._items[k // 2] = self._items[k // 2], self._items[k]
            k //= 2

    def _sink(self, k: int) -> None:
        last = len(self._items) - 1
        while 2 * k <= last:
            j = 2 * k
            if j < last and self._less(j, j + 1):
                j += 1
            if not self._less(k, j):
                break
            self._items[k], self._items[j] = self._items[j], self._items[k]
            k = j
