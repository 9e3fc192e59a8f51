"""Time-major packing of many sequences, so a recurrence runs as one numpy step per time.

Knowledge tracing is a recurrence along each sequence (a student, or a student's responses
on one skill), and sequences are independent. Looping over responses in Python is slow;
instead the sequences are sorted by length (longest first) and laid out step by step, as
``torch.nn.utils.rnn.PackedSequence`` does: block ``t`` holds the ``t``-th response of every
sequence that has one, and since the sequences are sorted, those are sequences
``0 … batch_sizes[t] - 1``. A recurrence then costs one vectorised update per time step
(the longest sequence's length) instead of one per response.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Packing:
    """Where each response goes in the time-major layout.

    ``position[i]`` is response ``i``'s index in the packed arrays; ``order`` is the inverse
    (packed index → response). ``starts[t]`` is where block ``t`` begins and
    ``batch_sizes[t]`` how many sequences are still running at step ``t``. ``rank[g]`` is the
    slot of sequence ``g`` (its index once sorted by length), ``group_of_slot`` the inverse.
    """

    position: IntArray
    order: IntArray
    starts: IntArray
    batch_sizes: IntArray
    rank: IntArray
    group_of_slot: IntArray

    @property
    def n_steps(self) -> int:
        """Length of the longest sequence."""
        return len(self.batch_sizes)

    def block(self, t: int) -> slice:
        """The packed slice of step ``t``."""
        lo = int(self.starts[t])
        return slice(lo, lo + int(self.batch_sizes[t]))


def pack(groups: IntArray, n_groups: int) -> Packing:
    """Pack responses labelled with their sequence ``groups`` (0 … n_groups-1).

    Responses of one group must already be in chronological order (their relative order in
    ``groups`` is kept).
    """
    n = len(groups)
    lengths = np.bincount(groups, minlength=n_groups).astype(np.int64)
    # Longest first (stable, so ties keep group order and the result is deterministic).
    group_of_slot = np.argsort(-lengths, kind="stable").astype(np.int64)
    rank = np.empty(n_groups, dtype=np.int64)
    rank[group_of_slot] = np.arange(n_groups, dtype=np.int64)
    # Position of each response inside its group: its index among the group's responses.
    by_group = np.argsort(groups, kind="stable")
    group_start = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    step = np.empty(n, dtype=np.int64)
    step[by_group] = np.arange(n, dtype=np.int64) - np.repeat(group_start, lengths)
    n_steps = int(lengths.max()) if n else 0
    # batch_sizes[t] = number of groups longer than t.
    length_counts = np.bincount(lengths, minlength=n_steps + 1)
    batch_sizes = (n_groups - np.cumsum(length_counts)[:n_steps]).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(batch_sizes)[:-1])).astype(np.int64)
    position = starts[step] + rank[groups] if n else np.zeros(0, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    order[position] = np.arange(n, dtype=np.int64)
    return Packing(position, order, starts, batch_sizes, rank, group_of_slot)
