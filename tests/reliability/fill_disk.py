"""Submit answers under a file-size limit until the store refuses (the "disk full" fault).

``python -m tests.reliability.fill_disk DB_PATH LIMIT_BYTES STUDENT`` lowers RLIMIT_FSIZE so
no file may grow past ``LIMIT_BYTES`` (as on a full disk, writes fail with EFBIG), then
answers until the engine raises. Prints ``ACK <seq>`` per recorded attempt and finally
``ERROR <type>: <message>`` — the message the user would see.
"""

from __future__ import annotations

import random
import resource
import signal
import sys

from tests.reliability.loadgen import _answer_for
from tutor.engine import Engine
from tutor.errors import TutorError
from tutor.graph import open_store
from tutor.settings import Settings


def main(argv: list[str]) -> int:
    """Answer until the store refuses; exit 0 when the refusal was a clear TutorError."""
    db, limit, sid = argv[0], int(argv[1]), argv[2]
    store = open_store(f"sqlite:///{db}", Settings.from_env())
    engine = Engine(store)
    engine.next_item(sid)  # warm up before the limit: caches, paths
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    rng = random.Random(0)
    try:
        for _ in range(100_000):
            nxt = engine.next_item(sid)
            if nxt.item is None:
                print("GOAL", flush=True)
                return 1
            fb = engine.submit(sid, nxt.item.item_id, _answer_for(nxt.item.item_id, rng))
            if fb.recorded:
                print(f"ACK {fb.attempt_seq}", flush=True)
    except TutorError as exc:
        print(f"ERROR {type(exc).__name__}: {exc}", flush=True)
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
