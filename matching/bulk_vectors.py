"""Adding a million vectors to FAISS without holding them twice.

A bulk import reads its vectors from a memory-mapped file and adds them in chunks; two
things would otherwise keep a second copy around: the file's pages, mapped into the
process as they are read, and the storage's growth by doubling, which copies it whole.
"""

from __future__ import annotations

import mmap

import faiss
import numpy as np


def release_pages(vectors: np.ndarray) -> None:
    """Drop a memory-mapped file's pages from this process once read (the kernel keeps
    them cached): a bulk import's vectors are then held once, by the index, instead of
    also as a million mapped rows."""
    base = vectors
    while isinstance(base, np.ndarray):  # a view of a view of the mapping
        base = base.base
    if isinstance(base, mmap.mmap):
        base.madvise(mmap.MADV_DONTNEED)


def reserve(storage: faiss.IndexFlat, rows: int) -> None:
    """Make room for ``rows`` more vectors at once. Added chunk by chunk, the storage
    grows by doubling, and at a million rows the copy made on the last doubling held a
    gigabyte twice; a vector shrunk back keeps its room, so the chunks then fill it."""
    size = storage.codes.size()
    storage.codes.resize(size + rows * storage.code_size)
    storage.codes.resize(size)
