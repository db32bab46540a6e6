"""Discovery before the run: what the suite needs on this target, found through the port.

- A ticket category. The contract has no getCategories (nor getCategories-like operation:
  see schemas/ticket.wsdl), so discovery tries ``newTicket`` with the categoryId given by
  ``--ticket-category``, or else with categoryId 1 to 10, and keeps the first the target
  accepts; a refused category is errorCode 8 and changes nothing. The ticket it creates is
  the suite's (marked and listed like every other).
- A reply template whose plain body holds ``%message.body%``. The contract has
  getReplyTemplate but no getReplyTemplates: discovery reads the template given by
  ``--reply-template``, or else templates 1 to 10, and keeps the first with the placeholder.
  None: AM23-TEMPLATE is skipped with the reason.
- The owner's user id, when ``--owner-id`` is not given: the owner adds a message to the
  discovery ticket and getMessage's ``message.author`` (TypeUserId) tells the id. Not
  told: the notification checks are skipped with the reason.
- The ids the error checks use as unknown are probed (see :mod:`unknown_ids`).

What is missing is recorded in ``RunContext.unavailable`` (the checks that need it are
skipped, see :mod:`needs`); the run goes on. The result is ``RunContext.discovery``: facts,
where each came from, and one line that ``conformance run`` prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conformance.suite.client import Reply, TargetError
from conformance.suite.unknown_ids import UnknownIds

if TYPE_CHECKING:
    from conformance.suite.context import RunContext

CANDIDATES = [str(i) for i in range(1, 11)]
PLACEHOLDER = "%message.body%"
INVALID_CATEGORY = "8"
# The fixed ids the suite uses as unknown (domain.py's fixed examples, UNKNOWN_TEMPLATE).
FIXED_UNKNOWN = {"ticket": "987654321", "attachment": "987654320", "template": "987654321",
                 "message": "987654321"}


def discover(ctx: RunContext) -> dict[str, Any]:
    """Find category, reply template, owner id and unknown ids; returns the facts."""
    facts: dict[str, Any] = {"not_probed": {}}
    ticket = _category(ctx, facts)  # without newTicket nothing can be tested: errors stop
    try:
        _template(ctx, facts)
    except TargetError as exc:  # the check that reads the template will say it
        ctx.config.reply_template = ctx.config.reply_template or CANDIDATES[0]
        facts["reply_template"] = None
        facts["not_probed"]["reply_template"] = str(exc)
    try:
        _owner(ctx, facts, ticket)
    except TargetError as exc:
        _owner_unknown(ctx, facts)
        facts["not_probed"]["owner_id"] = str(exc)
    ctx.unknown = UnknownIds(ctx.client.call, lambda: ctx.agent_key)
    facts["unknown_ids"] = {}
    for kind, value in FIXED_UNKNOWN.items():
        try:
            facts["unknown_ids"][kind] = ctx.unknown.resolve(kind, value)
        except TargetError as exc:  # probed again when an example uses it
            facts["unknown_ids"][kind] = value
            facts["not_probed"][f"unknown {kind} id"] = str(exc)
    facts["unknown_answers"] = dict(ctx.unknown.answers)
    facts["missing"] = dict(ctx.unavailable)
    facts["line"] = summary_line(facts)
    return facts


def _new_ticket(ctx: RunContext, category: str, owner: str, session: str) -> Reply:
    return ctx.client.call(
        "newTicket", "setup", sessionKey=session,
        title=f"[conformance-suite seed {ctx.config.seed}] discovery", sLevel="2",
        categoryId=category, priorityId="-1", owner=owner, customers={}, extraFields={},
        sendNotification=False)


def _category(ctx: RunContext, facts: dict[str, Any]) -> str | None:
    """The first accepted category; returns the ticket created with it."""
    given = ctx.config.category
    owner = ctx.config.owner_id or "-1"
    tried = []
    for category in [given] if given else CANDIDATES:
        reply = _new_ticket(ctx, category, owner, ctx.agent_key)
        tried.append(category)
        if reply.ok and reply.data.get("ticketId"):
            ticket_id = str(reply.data["ticketId"])
            ctx.created_tickets.append(ticket_id)
            ctx.config.category = category
            facts["category"] = {"id": category, "source": "--ticket-category" if given
                                 else "newTicket accepted it"}
            return ticket_id
        if reply.error_code != INVALID_CATEGORY:  # another reason: say it, stop guessing
            ctx.expect_ok(reply, f"newTicket with categoryId {category}")
    ctx.unavailable["category"] = (
        f"no ticket category: newTicket refused categoryId {', '.join(tried)} with "
        "errorCode 8 (give one with --ticket-category)")
    facts["category"] = None
    return None


def _template(ctx: RunContext, facts: dict[str, Any]) -> None:
    given = ctx.config.reply_template
    for template in [given] if given else CANDIDATES:
        reply = ctx.client.call("getReplyTemplate", "setup", sessionKey=ctx.agent_key,
                                replyTemplateId=template, languageId="")
        if reply.ok and PLACEHOLDER in str(reply.data.get("plainBody") or ""):
            ctx.config.reply_template = template
            facts["reply_template"] = {"id": template, "source": "--reply-template"
                                       if given else f"getReplyTemplate: has {PLACEHOLDER}"}
            return
    where = f"reply template {given}" if given else "reply templates 1-10"
    ctx.unavailable["reply_template"] = (
        f"no reply template with {PLACEHOLDER} in its plain body ({where}, read with "
        "getReplyTemplate; give one with --reply-template)")
    ctx.config.reply_template = given or CANDIDATES[0]
    facts["reply_template"] = None


def _owner(ctx: RunContext, facts: dict[str, Any], ticket: str | None) -> None:
    if ctx.config.owner_id:
        facts["owner_id"] = {"id": ctx.config.owner_id, "source": "--owner-id"}
        return
    author = _message_author(ctx, ticket) if ticket else None
    if author:
        ctx.config.owner_id = author
        facts["owner_id"] = {"id": author, "source": "getMessage message.author of a "
                             "message the owner added"}
        return
    _owner_unknown(ctx, facts)


def _owner_unknown(ctx: RunContext, facts: dict[str, Any]) -> None:
    ctx.config.owner_id = "-1"  # tickets by the target's delegation rules
    ctx.unavailable.setdefault("notifications", (
        "the owner's user id is not known (the port did not tell it: give --owner-id), so "
        "the suite's tickets cannot be given to the owner whose notifications it reads"))
    facts["owner_id"] = None


def _message_author(ctx: RunContext, ticket: str) -> str | None:
    added = ctx.client.call(
        "addMessage", "setup", sessionKey=ctx.owner_key, ticketId=ticket, sLevel="1",
        messageBody="[conformance-suite] discovery of the owner's user id",
        attachmentIds={}, sendNotification=False)
    if not added.ok or not added.data.get("messageId"):
        return None
    reply = ctx.client.call("getMessage", "setup", sessionKey=ctx.agent_key,
                            messageId=str(added.data["messageId"]),
                            messageField={"item": ["message.author"]})
    for item in (reply.data.get("messageResult") or {}).get("item") or [] if reply.ok else []:
        if item.get("field") == "message.author" and item.get("type") == "TypeUserId":
            return str(item.get("value") or "") or None
    return None


def summary_line(facts: dict[str, Any]) -> str:
    def shown(key: str) -> str:
        fact = facts.get(key)
        return f"{fact['id']} ({fact['source']})" if fact else "none"

    unknown = ", ".join(f"{kind} {value}" for kind, value in facts["unknown_ids"].items())
    line = (f"discovered: category {shown('category')}, reply template "
            f"{shown('reply_template')}, owner id {shown('owner_id')}; unknown ids "
            f"verified: {unknown}")
    if facts.get("missing"):
        line += f"; skipped for lack of: {', '.join(sorted(facts['missing']))}"
    if facts.get("not_probed"):
        line += f"; could not probe: {', '.join(sorted(facts['not_probed']))}"
    return line
