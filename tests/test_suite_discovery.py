"""Discovery before the run and session hygiene (issue 9, points 4 and 5), against the
reference target seeded with other ids: categories, reply templates and user ids differ
from fixtures/seed.json, and the ids the suite uses as "unknown" exist on the target."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.contract import CANONICAL_WSDL
from conformance.reference import ReferenceTarget, TargetConfig
from conformance.reference.store import FIXTURES_DIR, SEED_FILE
from conformance.suite import runner
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.needs import skip_reason
from conformance.suite.outcome import Outcome, run_check
from conformance.suite.plugin import SuiteState
from conformance.suite.registry import select

KNOWN_TICKET, KNOWN_ATTACHMENT, KNOWN_TEMPLATE = "987654321", "987654320", "987654321"
CHECKS = ["AM-ERR-TICKET", "AM-ERR-ATTACHMENT", "AM23-TEMPLATE", "AM-NOTIFY-TRUE",
          "AM-STATUS"]


def other_seed(tmp_path: Path, templates: bool = True) -> Path:
    """fixtures/seed.json with other ids: users 70001/70002, category 7, template 9 (3 has
    no %message.body%), and ticket, attachment and template ids the suite assumes unknown."""
    seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    seed["users"][0]["id"], seed["users"][1]["id"] = "70001", "70002"
    seed["categories"] = [{"id": "7", "name": "Vendor support", "defaultOwner": "70001"}]
    for ticket in seed["tickets"]:
        ticket.update(category="7", owner="70002")
    seed["tickets"].append({**seed["tickets"][0], "id": KNOWN_TICKET})
    seed["attachments"] = [{**a, "file": str(FIXTURES_DIR / a["file"])}
                           for a in seed["attachments"]]
    seed["attachments"].append({**seed["attachments"][0], "id": KNOWN_ATTACHMENT})
    plain = {**seed["replyTemplates"][1], "plainBody": "No placeholder here"}
    seed["replyTemplates"] = [{**plain, "id": "3"}, {**plain, "id": KNOWN_TEMPLATE}]
    if templates:
        seed["replyTemplates"].append({**seed["replyTemplates"][0], "id": "9",
                                       "plainBody": "Vendor says: %message.body% -- end"})
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    return path


@pytest.fixture
def vendor_target(tmp_path: Path) -> Iterator[Callable[..., ReferenceTarget]]:
    started: list[ReferenceTarget] = []

    def start(**seed: Any) -> ReferenceTarget:
        target = ReferenceTarget(TargetConfig(seed=other_seed(tmp_path, **seed))).start()
        started.append(target)
        return target

    yield start
    for target in started:
        target.close()


def prepared(endpoint: str, **options: str) -> SuiteState:
    """A run set up against a foreign endpoint: users only, everything else discovered."""
    config = SuiteConfig(endpoint=endpoint, wsdl=str(CANONICAL_WSDL), user="egon",
                         password="norges bank", owner_user="kari", owner_password="nordmann",
                         owner_id="", profile=PROFILES["quick"], seed=4, checks=CHECKS,
                         **options)
    return runner.prepare(config)


def run(state: SuiteState) -> dict[str, Outcome]:
    return {c.id: run_check(state.context, c, None, "replay") for c in select(CHECKS)}


def test_discovery_finds_other_ids_and_the_run_passes(vendor_target: Callable) -> None:
    target = vendor_target()
    state = prepared(target.endpoint)
    ctx = state.context
    assert ctx is not None
    facts = ctx.discovery
    assert facts["category"]["id"] == "7" and facts["reply_template"]["id"] == "9"
    assert facts["owner_id"]["id"] == "70002" and "message.author" in facts["owner_id"]["source"]
    unknown = facts["unknown_ids"]
    assert unknown["ticket"] != KNOWN_TICKET and unknown["attachment"] != KNOWN_ATTACHMENT
    assert unknown["template"] != KNOWN_TEMPLATE and unknown["message"] == "987654321"
    assert facts["line"].startswith("discovered: category 7")
    outcomes = run(state)
    assert {k: o.status for k, o in outcomes.items()} == dict.fromkeys(CHECKS, "passed"), {
        k: (o.reason, o.failure and o.failure["message"]) for k, o in outcomes.items()}
    # every drawn unknown id was probed, and ids the target holds were replaced
    assert ctx.unknown is not None and ctx.unknown.replaced["ticket"][KNOWN_TICKET]


def test_missing_template_skips_its_check_with_the_reason(vendor_target: Callable) -> None:
    target = vendor_target(templates=False)
    state = prepared(target.endpoint, category="7")
    assert state.context is not None
    assert state.context.discovery["category"]["source"] == "--ticket-category"
    outcomes = run(state)
    template = outcomes.pop("AM23-TEMPLATE")
    assert template.status == "skipped"
    assert template.reason is not None and "%message.body%" in template.reason
    assert "--reply-template" in template.reason
    assert {o.status for o in outcomes.values()} == {"passed"}, {
        k: (o.reason, o.failure and o.failure["message"]) for k, o in outcomes.items()}


def test_unaccepted_category_skips_instead_of_aborting(vendor_target: Callable) -> None:
    target = vendor_target()
    state = prepared(target.endpoint, category="1")
    outcomes = run(state)
    assert {o.status for o in outcomes.values()} == {"skipped"}
    assert "categoryId 1" in (outcomes["AM-STATUS"].reason or "")


def test_sessions_are_closed_and_the_subscription_reused(vendor_target: Callable) -> None:
    target = vendor_target()
    first = prepared(target.endpoint)
    assert first.context is not None
    run_check(first.context, select(["AM-ERR-SESSION"])[0], None, "replay")
    first.context.teardown()
    summary = first.context.sessions.summary()
    assert summary["opened"] == summary["closed"] == 3
    assert [(s["user"], s["role"]) for s in summary["sessions"]] == [
        ("egon", "agent"), ("kari", "owner"), ("egon", "agent")]
    assert target.store.scalar("SELECT COUNT(*) FROM sessions") == 0, "all logged out"
    assert first.context.subscription == {"how": "allocated", "kept_for_next_run": True}
    assert len(first.context.recorder.timings["login"]) == 3, "one login per session"
    text = json.dumps(summary)
    assert not [k for k in first.context.session_keys if k in text], "no key is listed"

    second = prepared(target.endpoint)
    assert second.context is not None
    assert second.context.subscription["how"] == "reused"
    assert "allocUserNotifications" not in second.context.recorder.timings
    outcome = run_check(second.context, select(["AM-NOTIFY-TRUE"])[0], None, "replay")
    assert outcome.status == "passed", outcome
    second.context.teardown()


def test_a_missing_need_names_the_checks_it_skips() -> None:
    assert skip_reason({"notifications": "why"}, "AM-NOTIFY-TRUE") == "why"
    assert skip_reason({"notifications": "why"}, "AM-STATUS") is None
    assert skip_reason({"category": "none"}, "AM-STATUS") == "none"
    assert skip_reason({"category": "none"}, "AM-WSDL") is None
    assert skip_reason({}, "AM23-TEMPLATE") is None
