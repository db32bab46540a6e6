"""Fetching a WSDL and the schemas it imports through the suite's own HTTP session, so that
a target behind a proxy (extra headers, basic auth, TLS client certificate) serves its
``?wsdl`` to the suite exactly as it serves its SOAP calls. The documents are stored in a
folder with their schema locations rewritten to the local copies, ready for xmlschema."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import requests
from lxml import etree

from conformance import ns, soap
from conformance.contract import ContractError

MAX_DOCUMENTS = 20
_LOCATIONS = (f"{{{ns.XSD}}}import", f"{{{ns.XSD}}}include", f"{{{ns.WSDL11}}}import")


def fetch_wsdl(session: requests.Session, url: str, folder: Path, timeout: float = 30.0
               ) -> Path:
    """Download ``url`` and every document it imports into ``folder``; the local WSDL."""
    fetched: dict[str, Path] = {}
    return _fetch(session, url, folder, timeout, fetched, "service.wsdl")


def _fetch(session: requests.Session, url: str, folder: Path, timeout: float,
           fetched: dict[str, Path], name: str) -> Path:
    if url in fetched:
        return fetched[url]
    if len(fetched) >= MAX_DOCUMENTS:
        raise ContractError(f"{url}: more than {MAX_DOCUMENTS} imported documents")
    local = folder / name
    fetched[url] = local
    try:
        response = session.get(url, timeout=timeout)
    except requests.exceptions.RequestException as exc:
        raise ContractError(f"cannot read {url}: {str(exc)[:200]}") from None
    if response.status_code != 200:
        raise ContractError(f"cannot read {url}: HTTP {response.status_code}")
    try:
        root = soap.parse_xml(response.content)
    except soap.SoapError as exc:
        raise ContractError(f"{url} is not usable XML: {exc.reason}") from None
    for node in root.iter(*_LOCATIONS):
        attribute = "location" if node.tag == f"{{{ns.WSDL11}}}import" else "schemaLocation"
        target = node.get(attribute)
        if target:
            child = _fetch(session, urljoin(url, target), folder, timeout, fetched,
                           f"imported{len(fetched)}.{'wsdl' if attribute == 'location' else 'xsd'}")
            node.set(attribute, child.name)
    local.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return local
