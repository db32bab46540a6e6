"""Concurrent addMessage calls on one ticket: nothing is lost and no id is handed out twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from helpers import DOC_TICKET, Session

THREADS = 8
CALLS = 200


def test_concurrent_add_message_stores_every_message(target, zeep_service) -> None:
    # Each thread has its own zeep client (and HTTP connection) and its own session.
    sessions = [Session(zeep_service(target)) for _ in range(THREADS)]
    before = sessions[0].message_ids(DOC_TICKET)
    start = threading.Barrier(THREADS)

    def worker(index: int) -> list[tuple[str, str]]:
        session = sessions[index]
        start.wait(timeout=30)
        results = []
        for call in range(CALLS):
            response = session.add(1 + call % 3, body=f"thread {index} call {call}",
                                   ticket=DOC_TICKET, slevel="2")
            results.append((response.errorCode, str(response.messageId)))
        return results

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = [r for rs in pool.map(worker, range(THREADS)) for r in rs]

    assert [code for code, _ in results] == ["0"] * THREADS * CALLS
    returned = [message_id for _, message_id in results]
    assert len(set(returned)) == THREADS * CALLS
    after = sessions[0].message_ids(DOC_TICKET)
    assert len(after) == len(before) + THREADS * CALLS
    assert set(after) - set(before) == set(returned)
    assert len(set(after)) == len(after)
