"""Schema family: what goes over the wire matches the contract."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import strategies as st

from conformance.strategies import domain
from conformance.suite.checks._common import DOCUMENTED_CODES, fail
from conformance.suite.client import ResponseInvalid
from conformance.suite.context import RunContext
from conformance.suite.registry import SHOULD, check

ANY_EXAMPLE = domain.add_message(
    session=st.sampled_from(["valid", "valid", "valid", "garbage"]),
    slevel=st.one_of(st.sampled_from(domain.VALID_SLEVELS), domain.BAD_SLEVELS),
    attachment_lists=st.one_of(domain.attachments(), domain.attachments(unknown=True)),
    template=st.sampled_from(["none", "existing"]),
)


@check("AM-SCHEMA", "Every request the suite sends as valid validates against the contract, "
       "and every response validates against its operation's output message or is a "
       "well-formed SOAP Fault",
       clause="WSDL/XSD of the ticket port (schemas/); addMessage out parameters",
       family="schema")
def schema_valid(ctx: RunContext) -> int:
    def body(example: dict) -> None:
        prepared = ctx.prepare(example)
        try:
            ctx.send(prepared)
        except ResponseInvalid as exc:
            fail(f"the {prepared.operation} response does not validate: {exc}")
        for exchange in ctx.recorder.current:
            if exchange.request_invalid:
                fail(f"the {exchange.operation} request sent as valid does not validate "
                     f"against the contract: {exchange.request_invalid}")

    return ctx.run_examples("AM-SCHEMA", ANY_EXAMPLE, body, fixed=domain.systematic())


@check("AM-ERRORCODE", "Every errorCode the target returns is one of the documented codes "
       "(0-35)", clause="Error codes list", family="schema")
def error_code_documented(ctx: RunContext) -> int:
    strategy = domain.add_message(
        session=st.sampled_from(["valid", "garbage"]),
        ticket=st.one_of(st.just("own"), domain.invalid_ticket()),
        slevel=st.one_of(st.sampled_from(domain.VALID_SLEVELS), domain.BAD_SLEVELS),
        attachment_lists=st.one_of(domain.attachments(), domain.attachments(unknown=True)),
    )

    def body(example: dict) -> None:
        reply = ctx.send(ctx.prepare(example))
        if reply.fault is None and reply.error_code not in DOCUMENTED_CODES:
            fail(f"{reply.operation} returned errorCode {reply.error_code!r}, which is not "
                 "a documented error code")

    fixed = domain.systematic()[:2] + domain.systematic(slevel="5")[:2]
    return ctx.run_examples("AM-ERRORCODE", strategy, body, fixed=fixed)


@check("AM-WSDL", "The WSDL the target serves (at the --wsdl URL, else <endpoint>?wsdl) has "
       "no breaking difference from the canonical contract (a namespace-only difference is "
       "reported, not failed)",
       clause="SHOULD: the WSDL is served by the server itself, but the reference publishes "
       "none; the canonical one is a reconstruction (schemas/README.md); WS-I Basic "
       "Profile 1.1", family="schema", level=SHOULD, sliced=False)
def served_wsdl(ctx: RunContext) -> int:
    from conformance.contract import CANONICAL_WSDL, ContractError
    from conformance.contractcheck import check_contract
    from conformance.suite.fetch import WsdlUnusable, fetch_wsdl
    from conformance.suite.registry import CheckSkipped

    endpoint, given = ctx.config.endpoint, ctx.config.wsdl or ""
    # the WSDL the run was told the target serves (--wsdl URL: a WCF ?singleWsdl, say),
    # or else the common place, <endpoint>?wsdl
    url = (given if given.startswith(("http://", "https://"))
           else f"{endpoint}{'&' if '?' in endpoint else '?'}wsdl")
    ctx.example = {"wsdl": url}
    with tempfile.TemporaryDirectory() as folder:
        try:
            served = fetch_wsdl(ctx.client.session, url, Path(folder),
                                ctx.client.config.timeout, ctx.client.config)
            report = check_contract(CANONICAL_WSDL, served)
        except WsdlUnusable as exc:  # it answered 200 with something unusable: a finding
            fail(f"the target serves an unusable WSDL: {exc}")
        except ContractError as exc:
            raise CheckSkipped(f"the target serves no usable WSDL at {url}: {exc}") from None
    ctx.contract_check = {**report.to_dict(), "served_wsdl": url}
    breaking = [d for d in report.diff.differences
                if d.breaking and not d.kind.startswith("namespace")]
    if breaking:
        shown = "; ".join(f"{d.kind} at {d.path}" for d in breaking[:5])
        fail(f"the served WSDL has {len(breaking)} breaking difference(s) from the "
             f"contract: {shown}")
    return 1
