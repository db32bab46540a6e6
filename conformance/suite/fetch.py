"""Fetching a WSDL and the schemas it imports through the suite's own HTTP session, so that
a target behind a proxy (extra headers, basic auth, TLS client certificate) serves its
``?wsdl`` to the suite exactly as it serves its SOAP calls. The documents are stored in a
folder with their schema locations rewritten to the local copies, ready for xmlschema.

The same transport rules as for SOAP calls apply: the response size cap, redirects followed
only to the same origin and only when opted in, and no import fetched from another origin
than the document that imports it (credentials go nowhere else)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import requests
from lxml import etree

from conformance import ns, soap
from conformance.contract import ContractError
from conformance.suite import transport
from conformance.suite.client import ClientConfig, http_session

MAX_DOCUMENTS = 20
_LOCATIONS = (f"{{{ns.XSD}}}import", f"{{{ns.XSD}}}include", f"{{{ns.WSDL11}}}import")


class WsdlUnusable(ContractError):
    """The target served a document (HTTP 200) that is not a usable WSDL: too large, not
    XML, or carrying a DTD or entities. Unlike a missing WSDL, this is a finding."""


def local_wsdl(wsdl: str, config: ClientConfig) -> str:
    """``wsdl`` itself when it is a path; one given as an http(s) URL is fetched through the
    suite's own HTTP session into a folder that lives as long as the process."""
    if not wsdl.startswith(("http://", "https://")):
        return wsdl
    folder = Path(tempfile.mkdtemp(prefix="conformance-wsdl-"))
    atexit.register(shutil.rmtree, folder, True)
    return str(fetch_wsdl(http_session(config), wsdl, folder, config.timeout, config))


def fetch_wsdl(session: requests.Session, url: str, folder: Path, timeout: float = 30.0,
               config: ClientConfig | None = None) -> Path:
    """Download ``url`` and every document it imports into ``folder``; the local WSDL.
    ``config`` gives the size cap and the redirect policy (default: the defaults)."""
    fetched: dict[str, Path] = {}
    return _fetch(session, url, folder, timeout, config or ClientConfig(url), fetched,
                  "service.wsdl")


def _fetch(session: requests.Session, url: str, folder: Path, timeout: float,
           config: ClientConfig, fetched: dict[str, Path], name: str) -> Path:
    if url in fetched:
        return fetched[url]
    if len(fetched) >= MAX_DOCUMENTS:
        raise WsdlUnusable(f"{url}: more than {MAX_DOCUMENTS} imported documents")
    local = folder / name
    fetched[url] = local
    content = _download(session, url, timeout, config)
    try:
        root = soap.parse_xml(content)
    except soap.SoapError as exc:
        raise WsdlUnusable(f"{url} is not usable XML: {exc.reason}") from None
    for node in root.iter(*_LOCATIONS):
        attribute = "location" if node.tag == f"{{{ns.WSDL11}}}import" else "schemaLocation"
        target = node.get(attribute)
        if target:
            absolute = urljoin(url, target)
            if transport.origin(absolute) != transport.origin(url):
                raise ContractError(f"{url} imports {absolute} from another origin; not "
                                    "fetched (the suite sends nothing to another origin)")
            child = _fetch(session, absolute, folder, timeout, config, fetched,
                           f"imported{len(fetched)}.{'wsdl' if attribute == 'location' else 'xsd'}")
            node.set(attribute, child.name)
    local.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return local


def _download(session: requests.Session, url: str, timeout: float,
              config: ClientConfig) -> bytes:
    hops = 0
    try:
        while True:
            response = session.get(url, timeout=timeout, stream=True, allow_redirects=False)
            if not response.is_redirect:
                break
            response.close()
            url = transport.next_hop(response, url, config.follow_redirects, "GET", hops)
            hops += 1
        if response.status_code != 200:
            response.close()
            raise ContractError(f"cannot read {url}: HTTP {response.status_code}")
        return transport.read_capped(response, config.max_response_bytes)
    except transport.TooLarge as exc:
        raise WsdlUnusable(f"{url}: {exc}") from None
    except (requests.exceptions.RequestException, transport.RedirectRefused) as exc:
        raise ContractError(f"cannot read {url}: {transport.reason(exc, timeout)}") from None
