"""A process that submits answers as fast as it can and acknowledges each recorded one.

``python -m tests.reliability.submitter STORE_URL STUDENT_ID...`` runs one thread per
student: ``next_item`` → ``submit``; after ``submit`` returns a recorded attempt it prints
``ACK <student> <seq>`` (flushed), exactly as an app would tell the student "saved". The
fault tests kill it with SIGKILL at random moments and then audit the store against the
acknowledgements.
"""

from __future__ import annotations

import random
import sys
import threading

from tests.reliability.loadgen import _answer_for
from tutor.engine import Engine
from tutor.graph import open_store
from tutor.settings import Settings

_print_lock = threading.Lock()


def main(argv: list[str]) -> int:
    """Submit until killed (or until every student reaches the goal)."""
    url, *students = argv
    store = open_store(url, Settings.from_env())
    engine = Engine(store)

    def work(sid: str) -> None:
        rng = random.Random(sid)
        while True:
            nxt = engine.next_item(sid)
            if nxt.item is None:
                return
            fb = engine.submit(sid, nxt.item.item_id, _answer_for(nxt.item.item_id, rng))
            if fb.recorded:
                with _print_lock:
                    print(f"ACK {sid} {fb.attempt_seq}", flush=True)

    threads = [threading.Thread(target=work, args=(s,), daemon=True) for s in students]
    print("READY", flush=True)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
