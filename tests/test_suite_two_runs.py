"""Two runs at once against one target (issue 11, point 7): each observes only its own
tickets, and a conflict caused by the other is said as such, never as a nonconformance.

Both runs use the same owner on one reference target, which allows one notification
subscriber per user (reference page: allocUserNotifications). Run B subscribes after run A,
so B holds the owner's notifications: while A keeps adding notified messages to its own
tickets, B's notification checks must still pass (A's notifications are not B's to judge),
and A's notification checks end as errors that name the other client, not as failures.
"""

from __future__ import annotations

import threading

from conformance.contract import CANONICAL_WSDL
from conformance.reference import ReferenceTarget
from conformance.suite import runner
from conformance.suite.client import ClientConfig
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.outcome import ERROR, PASSED, run_check
from conformance.suite.registry import select

OBSERVING = ["AM-NOTIFY-FALSE", "AM-NOTIFY-TRUE", "AM-ERR-NO-CHANGE"]


def prepared(endpoint: str, seed: int) -> runner.SuiteState:
    config = SuiteConfig(
        endpoint=endpoint, wsdl=str(CANONICAL_WSDL), user="egon", password="norges bank",
        owner_user="kari", owner_password="nordmann", owner_id="11",
        profile=PROFILES["quick"], seed=seed, client=ClientConfig(endpoint, retries=0))
    return runner.prepare(config)


def test_two_runs_at_once_do_not_disturb_each_other(target: ReferenceTarget) -> None:
    first, second = prepared(target.endpoint, 1), prepared(target.endpoint, 2)
    a, b = first.context, second.context
    assert a is not None and b is not None
    ticket = a.new_ticket("the other run's")
    stop, sent = threading.Event(), []

    def other_run_keeps_notifying() -> None:
        while not stop.is_set():
            reply = a.client.call("addMessage", "subject", sessionKey=a.agent_key,
                                  messageBody="from run A", ticketId=ticket, sLevel="1",
                                  attachmentIds={}, sendNotification=True)
            sent.append(reply.error_code)

    thread = threading.Thread(target=other_run_keeps_notifying, daemon=True)
    thread.start()
    try:
        b_outcomes = [run_check(b, c, None, "replay") for c in select(OBSERVING)]
    finally:
        stop.set()
        thread.join(timeout=10)
    assert len(sent) > 5 and set(sent) == {"0"}  # A's notifications really went out meanwhile
    assert [(o.id, o.status) for o in b_outcomes] == [(c, PASSED) for c in OBSERVING], [
        (o.id, o.reason, o.failure and o.failure["message"]) for o in b_outcomes]

    a_outcomes = [run_check(a, c, None, "replay") for c in select([*OBSERVING, "AM-STATUS"])]
    for outcome in a_outcomes[:-1]:
        assert outcome.status == ERROR, outcome
        assert outcome.reason.startswith("the owner's notifications are held by another "
                                         "client: getUserNotifications returned errorCode 26")
    assert a_outcomes[-1].status == PASSED  # what does not observe notifications still runs
