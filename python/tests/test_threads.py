"""Answering releases the GIL: while one thread answers a chunk of logs, another Python
thread keeps running. (Were the GIL held, the other thread would stall for the whole chunk.)"""

import threading
import time

import stepwise

from conftest import EXAMPLES


def test_other_threads_run_while_a_chunk_is_answered():
    protocol = stepwise.Protocol.load()
    # 520 copies of example 01 (YAML text, a few milliseconds each): one chunk of 512 is
    # answered in one native call, then the last 8.
    lines = [EXAMPLES[0].read_text(encoding="utf-8")] * 520

    started = time.perf_counter()
    list(protocol.answer_many(lines[:512], jobs=1))
    chunk_seconds = time.perf_counter() - started

    done = threading.Event()
    worker = threading.Thread(target=lambda: (list(protocol.answer_many(lines, jobs=1)), done.set()))
    gaps = []
    last = time.perf_counter()
    worker.start()
    while not done.is_set():
        time.sleep(0.001)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    worker.join()
    # Many turns of this loop while the worker answered, none of them waiting for a chunk.
    assert len(gaps) > 20, (len(gaps), chunk_seconds)
    assert max(gaps) < chunk_seconds / 2, (max(gaps), chunk_seconds)
