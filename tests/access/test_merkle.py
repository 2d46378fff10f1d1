"""The Merkle tree algorithms of RFC 9162, checked against its recursive definitions."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from localdata.access import merkle


def mth(leaves: list[bytes]) -> bytes:
    """MTH as RFC 9162 section 2.1.1 defines it, recursively."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(mth(leaves[:k]), mth(leaves[k:]))


def leaves_of(n: int) -> list[bytes]:
    return [merkle.leaf_hash(f"entry {i}".encode()) for i in range(n)]


def test_merkle_hashes_separate_leaves_from_nodes() -> None:
    assert merkle.leaf_hash(b"a") == hashlib.sha256(b"\x00a").digest()
    assert merkle.node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()


@given(st.integers(min_value=0, max_value=70))
def test_merkle_tree_head_and_frontier_match_the_rfc_definition(n: int) -> None:
    leaves = leaves_of(n)
    assert merkle.tree_head(leaves) == mth(leaves)
    assert merkle.Frontier().extend(leaves).root() == mth(leaves)


@given(st.integers(min_value=1, max_value=70), st.data())
def test_merkle_inclusion_proofs_verify_and_fail_for_another_leaf(
    n: int, data: st.DataObject
) -> None:
    leaves = leaves_of(n)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    root = mth(leaves)
    proof = merkle.inclusion_proof(index, leaves)
    assert merkle.verify_inclusion(index, n, leaves[index], proof, root)
    assert not merkle.verify_inclusion(index, n, merkle.leaf_hash(b"forged"), proof, root)
    if n > 1:
        other = (index + 1) % n
        assert not merkle.verify_inclusion(other, n, leaves[index], proof, root)


@given(st.integers(min_value=2, max_value=70), st.data())
def test_merkle_consistency_proofs_verify_and_fail_for_a_rewritten_prefix(
    n: int, data: st.DataObject
) -> None:
    leaves = leaves_of(n)
    m = data.draw(st.integers(min_value=1, max_value=n - 1))
    proof = merkle.consistency_proof(m, leaves)
    assert merkle.verify_consistency(m, n, mth(leaves[:m]), mth(leaves), proof)
    rewritten = [merkle.leaf_hash(b"rewritten"), *leaves[1:]]
    assert not merkle.verify_consistency(m, n, mth(rewritten[:m]), mth(leaves), proof)


@given(st.integers(min_value=1, max_value=140), st.data())
def test_merkle_consistency_proof_from_a_frontier_is_the_rfc_proof(
    n: int, data: st.DataObject
) -> None:
    # Issue 15: verify proves each signed head consistent with the next from the frontier it
    # kept and the entries since, without holding the whole log.
    leaves = leaves_of(n)
    m = data.draw(st.integers(min_value=1, max_value=n))
    proof = merkle.consistency_proof_from(merkle.Frontier().extend(leaves[:m]), leaves[m:])
    assert proof == merkle.consistency_proof(m, leaves)
    assert merkle.verify_consistency(m, n, mth(leaves[:m]), mth(leaves), proof)
