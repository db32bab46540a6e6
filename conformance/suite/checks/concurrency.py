"""Concurrency family: concurrent addMessage calls on one ticket are all stored."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from conformance.suite.checks._common import fail
from conformance.suite.client import Reply, TargetClient, TargetError
from conformance.suite.context import RunContext, text
from conformance.suite.registry import check

# How a target may say it is too busy: HTTP 503 or 429 (RFC 9110 15.6.4, RFC 6585 4), a
# SOAP Server Fault (SOAP 1.1 4.4.1: "could not be processed for reasons not directly
# attributable to the contents of the message"), errorCode 7 CustomError.
BUSY_STATUSES = (429, 503)


def _busy(reply: Reply) -> str | None:
    if reply.fault is not None and reply.fault.code.rpartition(":")[2] == "Server":
        return f"a Server Fault ({reply.fault.string})"
    if reply.fault is None and reply.error_code == "7":
        return "errorCode 7"
    return None


@check("AM-CONCURRENT", "Concurrent addMessage calls on one ticket are all stored, each with "
       "its own messageId; a call refused for load (HTTP 503/429, a Server Fault, errorCode "
       "7) stores nothing and is stored when sent again alone",
       clause="addMessage (a service shared by many agents); RFC 9110 15.6.4 (503); SOAP "
       "1.1 section 4.4.1 (Server)", family="concurrency", sliced=False)
def concurrent_messages(ctx: RunContext) -> int:
    threads = ctx.config.profile.concurrency_threads
    calls = ctx.config.profile.concurrency_calls
    ticket_id = ctx.new_ticket("concurrency")
    ctx.example = {"threads": threads, "calls_per_thread": calls, "ticket": ticket_id}
    ctx.recorder.begin()
    before = set(ctx.ticket(ticket_id).message_ids)
    clients = [TargetClient(ctx.contract, ctx.client.config, ctx.recorder)
               for _ in range(threads)]

    refused: list[tuple[int, int, str]] = []  # (thread, call, how), sent again alone below

    def add(client: TargetClient, index: int, n: int) -> str | None:
        """The new messageId, or None when the target refused the call for load."""
        try:
            reply = client.call(
                "addMessage", "subject", sessionKey=ctx.agent_key,
                messageBody=f"thread {index} call {n}", ticketId=ticket_id, sLevel="1",
                attachmentIds={}, sendNotification=False)
        except TargetError:
            exchange = client.last_exchange
            if exchange is None or exchange.status not in BUSY_STATUSES:
                raise
            refused.append((index, n, f"HTTP {exchange.status}"))
            return None
        how = _busy(reply)
        if how is not None:
            refused.append((index, n, how))
            return None
        if reply.fault is not None or reply.error_code != "0":
            fail(f"concurrent addMessage (thread {index}, call {n}) failed: "
                 f"errorCode {reply.error_code}, fault {reply.fault}")
        return text(reply.data.get("messageId"))

    def worker(index: int) -> list[str]:
        return [i for n in range(calls) if (i := add(clients[index], index, n)) is not None]

    with ThreadPoolExecutor(max_workers=threads) as pool:
        returned = [i for ids in pool.map(worker, range(threads)) for i in ids]
    total = threads * calls
    if len(refused) == total:
        fail(f"the target refused all {total} concurrent addMessage calls ({refused[0][2]})")
    ctx.example["refused_under_load"] = [f"thread {i} call {n}: {how}" for i, n, how in refused]
    for index, n, how in list(refused):  # alone, a call the load made it refuse must pass
        again = add(ctx.client, index, n)
        if again is None:
            fail(f"addMessage (thread {index}, call {n}) refused under load ({how}) was "
                 "refused again when sent alone")
        returned.append(again)
    if len(set(returned)) != total:
        fail(f"{total} concurrent addMessage calls returned only {len(set(returned))} "
             "distinct messageIds")
    after = set(ctx.ticket(ticket_id).message_ids)
    stored = after - before
    if stored != set(returned):
        fail(f"{total} concurrent addMessage calls succeeded but getTicket lists "
             f"{len(stored)} new messages; missing {len(set(returned) - stored)}")
    return total
