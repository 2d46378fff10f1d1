"""Merkle trees in the manner of Certificate Transparency (RFC 9162, section 2.1).

The audit log's entries are the leaves of one append-only tree. These are the RFC's algorithms,
written from its definitions:

- a leaf's hash is ``SHA-256(0x00 || entry)``; an inner node's is ``SHA-256(0x01 || left ||
  right)``, so a leaf can never pass for a node;
- the tree head of ``n`` leaves (``MTH``) splits at ``k``, the largest power of two below ``n``;
- an inclusion proof shows that leaf ``m`` is in the tree of ``n`` leaves, and a consistency
  proof that the tree of ``m`` leaves is a prefix of the tree of ``n`` leaves, each in about
  ``log2(n)`` hashes;
- a ``Frontier`` holds the roots of the perfect subtrees along the tree's right edge, so the
  head after more appends, and the consistency proof from the old head to the new one
  (``consistency_proof_from``), are computed from the frontier and the new leaves alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()
HASH_BYTES = 32


def leaf_hash(entry: bytes) -> bytes:
    """The hash of one leaf: SHA-256 over 0x00 and the entry's bytes."""
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node: SHA-256 over 0x01 and its two children."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (for ``n`` of 2 or more)."""
    return 1 << ((n - 1).bit_length() - 1)


def tree_head(leaves: Sequence[bytes]) -> bytes:
    """The root hash (MTH) of a tree whose leaf hashes are ``leaves``, in order."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    # Pairing neighbours level by level gives the same root as the RFC's recursive split: the
    # left subtree at every split is perfect, and an odd last node rises unchanged.
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path (PATH) proving leaf ``index`` is in the tree of these leaves."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf {index} is not in a tree of {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), tree_head(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), tree_head(leaves[:k])]


def consistency_proof(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The proof (PROOF) that the tree of the first ``m`` leaves is a prefix of this tree."""
    if not 0 < m <= len(leaves):
        raise ValueError(f"no consistency proof from {m} to {len(leaves)}")
    return _subproof(m, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [tree_head(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), tree_head(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), tree_head(leaves[:k])]


def consistency_proof_from(old: Frontier, new_leaves: Sequence[bytes]) -> list[bytes]:
    """The consistency proof from the tree ``old`` ends to that tree with ``new_leaves``
    appended, from the old frontier and the new leaves alone (the same proof as
    ``consistency_proof``, without the old leaves).

    Every node of the proof is either a subtree of the old tree that its frontier holds (a
    run of its nodes, folded), or a subtree of the new leaves.
    """
    m, n = old.size, old.size + len(new_leaves)
    if not 0 < m <= n:
        raise ValueError(f"no consistency proof from {m} to {n}")
    spans, start = [], 0
    for bit in reversed(range(m.bit_length())):
        if m >> bit & 1:
            spans.append((start, start + (1 << bit)))
            start += 1 << bit

    def head(start: int, end: int) -> bytes:
        if start >= m:
            return tree_head(new_leaves[start - m : end - m])
        held = [node for (a, b), node in zip(spans, old.nodes, strict=True) if start <= a < end]
        assert end <= m and held, "a node of the old tree is a run of its frontier"
        return Frontier(end - start, tuple(held)).root()

    def subproof(mm: int, start: int, end: int, complete: bool) -> list[bytes]:
        if mm == end - start:
            return [] if complete else [head(start, end)]
        k = _split(end - start)
        if mm <= k:
            return [*subproof(mm, start, start + k, complete), head(start + k, end)]
        return [*subproof(mm - k, start + k, end, False), head(start, start + k)]

    return subproof(m, 0, n, True)


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """True when ``proof`` shows leaf ``index`` with hash ``leaf`` is in the tree ``root``."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True when ``proof`` shows the tree ``first_root`` is a prefix of ``second_root``."""
    if first == second:
        return not proof and first_root == second_root
    if not 0 < first < second or not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the old root is the first node of the path
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


@dataclass(frozen=True)
class Frontier:
    """The right edge of a tree: the roots of its perfect subtrees, largest first."""

    size: int = 0
    nodes: tuple[bytes, ...] = ()

    def append(self, leaf: bytes) -> Frontier:
        """The frontier after one more leaf."""
        nodes = list(self.nodes)
        carry, size = leaf, self.size
        while size & 1:  # merge equal-sized perfect subtrees, as binary addition carries
            carry = node_hash(nodes.pop(), carry)
            size >>= 1
        return Frontier(self.size + 1, (*nodes, carry))

    def extend(self, leaves: Sequence[bytes]) -> Frontier:
        """The frontier after appending ``leaves`` in order."""
        frontier = self
        for leaf in leaves:
            frontier = frontier.append(leaf)
        return frontier

    def root(self) -> bytes:
        """The tree head of the tree this frontier ends."""
        if not self.nodes:
            return EMPTY_ROOT
        root = self.nodes[-1]
        for node in reversed(self.nodes[:-1]):
            root = node_hash(node, root)
        return root
