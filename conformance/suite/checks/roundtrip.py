"""Round trip of every written field: what addAttachment, newTicket, setTicket and the
addMessage family write is compared with every read path that returns it, pair by pair
from the contract-derived table (``conformance.suite.write_read``)."""

from __future__ import annotations

import base64
from typing import Any

from hypothesis import strategies as st

from conformance.strategies import domain
from conformance.strategies import edge_examples as edge
from conformance.strategies.xmltext import xml_text
from conformance.suite import write_read
from conformance.suite.checks._common import fail, require_success, short
from conformance.suite.checks._observe import Observation, attachment_reads, run_judged
from conformance.suite.client import TargetError
from conformance.suite.context import Prepared, RunContext, items, text
from conformance.suite.registry import SHOULD, check


def uploaded(example: dict[str, Any], prepared: Prepared) -> dict[str, dict[str, Any]]:
    """attachment id -> the addAttachment parameters it was uploaded with (the new uploads
    of an example are its distinct linked ids, in order)."""
    specs = [s for s in example["attachments"] if s["kind"] == "new"]
    return {attachment_id: {"attachmentName": spec["name"], "contentType": spec["content_type"],
                            "data": base64.b64decode(spec["data"])}
            for attachment_id, spec in zip(prepared.attachment_ids, specs, strict=False)}


def media_type(value: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A media type as RFC 2045 5.1 defines its meaning: type/subtype and parameter names
    case-insensitive, whitespace around ";" and "=" and the order of parameters not
    significant, a quoted-string value the same as its token form; charset values
    case-insensitive (RFC 2046 4.1.2, RFC 2978) and a text/* type without charset the same
    as charset=us-ascii, its default (RFC 2046 4.1.2). Any other parameter, added, dropped
    or changed, changes the media type (``text/plain`` is not ``text/plain;
    charset=utf-8``: that tells a reader to decode the bytes otherwise)."""
    head, *parts = [p.strip() for p in value.split(";")]
    params: dict[str, str] = {}
    for part in filter(None, parts):
        name, _, raw = (piece.strip() for piece in part.partition("="))
        name, raw = name.lower(), raw.strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        params[name] = raw.lower() if name == "charset" else raw
    head = head.lower()
    if head.startswith("text/") and "charset" not in params:
        params["charset"] = "us-ascii"
    return head, tuple(sorted(params.items()))


def same_media_type(sent: str, got: str) -> bool:
    """The same media type by the rules of :func:`media_type`."""
    return media_type(sent) == media_type(got)


def spaced(value: str) -> str:
    """A one-line name as a reader sees it: runs of white space (line breaks included) as
    one space, none at the ends. Whether a target keeps a title's or a file name's white
    space exactly is left open by the reference (AM-TEXT-EXACT, a SHOULD, asks it)."""
    return " ".join(value.split())


def _equal(leaf: str, sent: Any, got: str) -> bool:
    if leaf.endswith("contentType"):
        return same_media_type(str(sent), got)
    if leaf.endswith("attachmentName"):
        return spaced(str(sent)) == spaced(got)
    return str(sent) == got


ATTACHED = domain.add_message(
    template=st.just("none"),
    attachment_lists=st.lists(domain.new_attachment(), min_size=1, max_size=3).flatmap(
        domain.with_repeats))


@check("AM-ATTACHMENT-META", "The name and content type an attachment was uploaded with come "
       "back unchanged from getMessage's attachmentInfo and from getAttachment",
       clause="addAttachment: attachmentName, contentType; getMessage: attachmentInfo; "
       "getAttachment (a name's white space as a reader sees it: AM-TEXT-EXACT asks for it "
       "exactly; media types equal by meaning: RFC 2045 5.1, RFC 2046 4.1.2; any "
       "other parameter added or changed is a change)", family="persistence")
def attachment_metadata(ctx: RunContext) -> int:
    compared = write_read.pairs_from(ctx.contract, "addAttachment", "AM-ATTACHMENT-META")

    def judge(seen: Observation) -> None:
        for attachment_id, params in uploaded(seen.example, seen.prepared).items():
            if attachment_id not in seen.reads["getMessage"]:
                fail(f"{seen.prepared.operation} linked attachment {attachment_id}, and "
                     "getMessage's attachmentInfo does not list it")
            for pair in compared:
                got = seen.reads[pair.read_op][attachment_id].get(pair.read, "")
                if not _equal(pair.write, params[pair.write], got):
                    fail(f"attachment {attachment_id} was uploaded with {pair.write} "
                         f"{short(params[pair.write])} and {pair.read_op} returns "
                         f"{pair.read} {short(got)}")

    return run_judged(ctx, "AM-ATTACHMENT-META", ATTACHED, judge,
                      fixed=domain.systematic() + edge.attachment_examples(
                          ctx.config.profile.name),
                      coverage=edge.pairwise_valid(), family="persistence", attachments=True)


TITLES = xml_text(min_size=1, max_size=60)
# Text a target may reasonably tidy: white space at the edges and line breaks, path
# separators and XML's special characters in a file name.
EDGES = st.sampled_from(["", " ", "  ", "\t", "\r\n", " \n"])
HOSTILE_TEXT = st.builds(lambda a, t, b: a + t + b, EDGES, xml_text(min_size=1, max_size=40),
                         EDGES)
HOSTILE_NAMES = st.one_of(HOSTILE_TEXT, st.sampled_from(
    ["../up/../../etc/passwd", "C:\\Users\\a b\\report.pdf", " two  spaces .txt\r\n"]))


def new_ticket_params(ctx: RunContext, title: str) -> dict[str, Any]:
    return {"sessionKey": ctx.agent_key, "title": f"[conformance-suite seed "
            f"{ctx.config.seed}] {title}", "sLevel": "2", "categoryId": ctx.config.category,
            "priorityId": "-1", "owner": ctx.config.owner_id, "customers": {},
            "extraFields": {}, "sendNotification": False}


def new_ticket(ctx: RunContext, title: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A ticket of the suite's own, titled ``title``; (params sent, reply data)."""
    params = new_ticket_params(ctx, title)
    reply = ctx.expect_ok(ctx.client.call("newTicket", "setup", **params), "newTicket")
    ticket_id = text(reply.data.get("ticketId"))
    ctx.created_tickets.append(ticket_id)
    return params, reply.data


def ticket_fields(ctx: RunContext, ticket_id: str) -> dict[str, str]:
    return ctx.ticket(ticket_id).fields


def _sent(pair: write_read.Pair, params: dict[str, Any], data: dict[str, Any]) -> str:
    path = pair.write
    if path.startswith("ticketValues/item/value["):
        wanted = path.partition("[")[2].rstrip("]")
        pairs = items(params.get("ticketValues"))
        return next(text(p["value"]) for p in pairs if p["field"] == wanted)
    return text(params[path] if path in params else data.get(path))


def _compare(pairs: list[write_read.Pair], params: dict[str, Any], data: dict[str, Any],
             fields: dict[str, str], what: str) -> None:
    for pair in pairs:
        field = pair.read.partition(":")[2]
        if field not in fields:
            continue  # a field the suite does not read (see write_read.returned_fields)
        sent, got = _sent(pair, params, data), fields[field]
        if field == "ticket.title":  # white space exactly: AM-TEXT-EXACT
            sent, got = spaced(sent), spaced(got)
        if got != sent:
            fail(f"{what}: {pair.write_op} wrote {pair.write} {short(sent)} and "
                 f"{pair.read_op} returns {field} {short(got)}")


@check("AM-ROUNDTRIP", "Every other field the suite writes reads back unchanged: the ticket's "
       "id, title and category (newTicket, setTicket) and the message id (getMessage); a "
       "title's white space as a reader sees it",
       clause="newTicket, setTicket, getTicket; addMessage: messageID; getMessage",
       family="persistence")
def roundtrip(ctx: RunContext) -> int:
    contract = ctx.contract
    strategy = st.tuples(domain.add_message(template=st.just("none")), TITLES, TITLES)
    compared = {op: write_read.pairs_from(contract, op, "AM-ROUNDTRIP")  # once per run
                for op in write_read.WRITES}

    def body(case: tuple[dict, str, str]) -> None:
        example, first, second = case
        params, data = new_ticket(ctx, first)
        ticket_id = text(data.get("ticketId"))
        _compare(compared["newTicket"], params, data,
                 ticket_fields(ctx, ticket_id), f"ticket {ticket_id}")
        values = {"sessionKey": ctx.agent_key, "ticketId": ticket_id, "ticketValues": {
            "item": [{"field": "ticket.title", "value": second},
                     {"field": "ticket.status", "value": example["status"]}]}}
        ctx.expect_ok(ctx.client.call("setTicket", "setup", **values), "setTicket")
        _compare(compared["setTicket"], values, {},
                 ticket_fields(ctx, ticket_id), f"ticket {ticket_id}")
        prepared = ctx.prepare(example)
        prepared.params["ticketId"] = prepared.ticket_id = ticket_id
        reply = ctx.send(prepared)
        message_id = require_success(reply, prepared)
        message = ctx.message(message_id)
        _compare(compared[prepared.operation],
                 prepared.params, reply.data, message.fields, f"message {message_id}")

    fixed = [(e, "Tom & \"Jerry\" <b>", " \u00e6\u00f8\u00e5 \U0001f600 &amp;\r\n")
             for e in domain.systematic()]
    return ctx.run_examples("AM-ROUNDTRIP", strategy, body, coverage=fixed)



@check("AM-TEXT-EXACT", "Ticket titles and attachment names read back exactly as written, "
       "white space at the edges, line breaks and path separators included",
       clause="SHOULD: newTicket/setTicket title, addAttachment attachmentName; the reference "
       "does not say that a target keeps a one-line name's white space or a file name's "
       "path exactly (trimming and sanitising them are common), so a change is advisory; "
       "AM-ROUNDTRIP and AM-ATTACHMENT-META hold the rest of the text to the letter",
       family="persistence", level=SHOULD)
def text_exact(ctx: RunContext) -> int:
    strategy = st.tuples(HOSTILE_TEXT, HOSTILE_TEXT, HOSTILE_NAMES)

    def body(case: tuple[str, str, str]) -> None:
        first, second, name = case
        params = new_ticket_params(ctx, first)
        created = ctx.client.call("newTicket", "setup", **params)
        if not created.ok:  # refusing such a title is a choice too: said, as advisory
            fail(f"newTicket refused the title {short(params['title'])}: "
                 f"{created.error_code or created.fault}")
        ticket_id = text(created.data.get("ticketId"))
        ctx.created_tickets.append(ticket_id)
        got = ticket_fields(ctx, ticket_id).get("ticket.title", "")
        if got != params["title"]:
            fail(f"newTicket wrote title {short(params['title'])} and getTicket returns "
                 f"{short(got)}")
        renamed = ctx.client.call(
            "setTicket", "setup", sessionKey=ctx.agent_key, ticketId=ticket_id,
            ticketValues={"item": [{"field": "ticket.title", "value": second}]})
        if not renamed.ok:
            fail(f"setTicket refused the title {short(second)}: "
                 f"{renamed.error_code or renamed.fault}")
        got = ticket_fields(ctx, ticket_id).get("ticket.title", "")
        if got != second:
            fail(f"setTicket wrote title {short(second)} and getTicket returns {short(got)}")
        example = {**domain.systematic()[0], "ticket": "own", "attachments": [
            {"kind": "new", "name": name, "content_type": "text/plain",
             "data": base64.b64encode(b"named").decode()}]}
        try:
            prepared = ctx.prepare(example)
        except TargetError as exc:
            if not str(exc).startswith("addAttachment"):
                raise
            fail(f"addAttachment refused the name {short(name)}: {exc}")  # a choice too
        message_id = require_success(ctx.send(prepared), prepared)
        reads = attachment_reads(ctx, ctx.message(message_id))
        for read_op, key in (("getMessage", "attachmentInfo/item/attachmentName"),
                             ("getAttachment", "attachmentName")):
            for attachment_id, values in reads[read_op].items():
                if values.get(key, "") != name:
                    fail(f"attachment {attachment_id} was uploaded as {short(name)} and "
                         f"{read_op} names it {short(values.get(key, ''))}")

    fixed = [(" title with edges \r\n", "\tsecond title ", " a/b\\c .txt\n")]
    return ctx.run_examples("AM-TEXT-EXACT", strategy, body, fixed=fixed)
