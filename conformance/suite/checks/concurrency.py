"""Concurrency family: concurrent addMessage calls on one ticket are all stored."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from conformance.suite.checks._common import fail
from conformance.suite.client import TargetClient
from conformance.suite.context import RunContext, text
from conformance.suite.registry import check


@check("AM-CONCURRENT", "Concurrent addMessage calls on one ticket are all stored, each with "
       "its own messageId", clause="addMessage (a service shared by many agents)",
       family="concurrency")
def concurrent_messages(ctx: RunContext) -> int:
    threads = ctx.config.profile.concurrency_threads
    calls = ctx.config.profile.concurrency_calls
    ticket_id = ctx.new_ticket("concurrency")
    ctx.example = {"threads": threads, "calls_per_thread": calls, "ticket": ticket_id}
    ctx.recorder.begin()
    before = set(ctx.ticket(ticket_id).message_ids)
    clients = [TargetClient(ctx.contract, ctx.client.config, ctx.recorder)
               for _ in range(threads)]

    def worker(index: int) -> list[str]:
        ids = []
        for n in range(calls):
            reply = clients[index].call(
                "addMessage", "subject", sessionKey=ctx.agent_key,
                messageBody=f"thread {index} call {n}", ticketId=ticket_id, sLevel="1",
                attachmentIds={}, sendNotification=False)
            if reply.fault is not None or reply.error_code != "0":
                fail(f"concurrent addMessage (thread {index}, call {n}) failed: "
                     f"errorCode {reply.error_code}, fault {reply.fault}")
            ids.append(text(reply.data.get("messageId")))
        return ids

    with ThreadPoolExecutor(max_workers=threads) as pool:
        returned = [i for ids in pool.map(worker, range(threads)) for i in ids]
    total = threads * calls
    if len(set(returned)) != total:
        fail(f"{total} concurrent addMessage calls returned only {len(set(returned))} "
             "distinct messageIds")
    after = set(ctx.ticket(ticket_id).message_ids)
    stored = after - before
    if stored != set(returned):
        fail(f"{total} concurrent addMessage calls succeeded but getTicket lists "
             f"{len(stored)} new messages; missing {len(set(returned) - stored)}")
    return total
