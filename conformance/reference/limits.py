"""The reference target's limits and envelope checks at the edge, where HTTP meets SOAP:

- many idle or slow clients do not block a new caller: waitress keeps idle connections in
  its event loop, not in worker threads, so what matters is that it never stops accepting
  (``CONNECTION_LIMIT``) and that idle connections are closed (``CHANNEL_TIMEOUT``);
- a body over the size limit gets a SOAP 1.1 Client Fault (HTTP 500, as WS-I Basic Profile
  1.1 R1126 requires of every Fault), also when waitress itself refuses it before the
  application sees it (its own answer would be plain text);
- an Envelope in another namespace than SOAP 1.1's (a SOAP 1.2 envelope, say) gets a
  VersionMismatch Fault (SOAP 1.1 section 4.4.1);
- fault strings never carry the XML parser's internals (libxml2's hints such as "use
  XML_PARSE_HUGE option").
"""

from __future__ import annotations

import re
from typing import cast

from lxml import etree
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import ErrorTask
from waitress.utilities import RequestEntityTooLarge

from conformance import ns, soap

CONNECTION_LIMIT = 1000  # waitress' default of 100 stops accepting at 100 idle sockets
CHANNEL_TIMEOUT = 30  # seconds an idle connection is kept (waitress: 120)
CLEANUP_INTERVAL = 5  # how often idle connections are looked for (waitress: 30)
FAULT_VERSION_MISMATCH = "VersionMismatch"
FAULT_STATUS = "500 Internal Server Error"
# libxml2's advice to the programmer: "use XML_PARSE_HUGE option", "try XML_PARSE_HUGE"
_PARSER_HINT = re.compile(r",?\s*(?:use|try)\s+XML_PARSE_\w+(?:\s+option)?", re.IGNORECASE)


def public_reason(reason: str) -> str:
    """A fault string fit for a client: the parser's own advice to its programmer removed."""
    return _PARSER_HINT.sub("", reason)


def version_mismatch(data: bytes) -> bool:
    """True when ``data`` is an Envelope, but not in the SOAP 1.1 namespace."""
    try:
        root = soap.parse_xml(data)
    except soap.SoapError:
        return False
    name = etree.QName(root)
    return name.localname == "Envelope" and name.namespace != ns.SOAP11_ENV


def version_mismatch_reason(data: bytes) -> str:
    namespace = etree.QName(soap.parse_xml(data)).namespace
    return (f"the Envelope is in namespace {namespace!r}; this endpoint speaks SOAP 1.1 "
            f"({ns.SOAP11_ENV})")


class SoapErrorTask(ErrorTask):
    """waitress' answer to a request it refuses itself: a SOAP Client Fault for a body over
    the limit; its own plain-text answer for anything else (not SOAP: a bad request line)."""

    def execute(self) -> None:
        # waitress hands an error task its request parser (the stubs say Error)
        error = cast(HTTPRequestParser, self.request).error
        if not isinstance(error, RequestEntityTooLarge):
            super().execute()
            return
        limit = self.channel.server.adj.max_request_body_size
        body = soap.fault_bytes(soap.Fault(
            soap.FAULT_CLIENT, f"request too large: limit {limit} bytes"))
        self.status = FAULT_STATUS
        self.response_headers = [*self.response_headers, ("Content-Type", soap.CONTENT_TYPE)]
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class SoapChannel(HTTPChannel):
    error_task_class = SoapErrorTask
