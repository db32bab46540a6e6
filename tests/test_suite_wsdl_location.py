"""AM-WSDL reads the WSDL where the run was told the target serves it (``--wsdl URL``: a
WCF service's ``?singleWsdl``, say), not only ``<endpoint>?wsdl``: a breaking difference
in the WSDL at that URL is found though ``<endpoint>?wsdl`` is the canonical one."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from suite_runs import prepare_and_run

from conformance.contract import CANONICAL_WSDL, CANONICAL_XSD
from conformance.reference import ReferenceTarget, TargetConfig


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_am_wsdl_reads_the_wsdl_at_the_url_given(tmp_path: Path) -> None:
    wsdl = CANONICAL_WSDL.read_text(encoding="utf-8")
    cut = wsdl.replace("ticket#getAttachment", "ticket#fetchAttachment")  # no run needs it
    assert cut != wsdl
    (tmp_path / "service.wsdl").write_text(cut, encoding="utf-8")
    (tmp_path / CANONICAL_XSD.name).write_bytes(CANONICAL_XSD.read_bytes())
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as files, ReferenceTarget(
            TargetConfig()) as target:
        threading.Thread(target=files.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{files.server_address[1]}/service.wsdl?singleWsdl"
        try:
            given = prepare_and_run(target.endpoint, url, ["AM-WSDL"])["AM-WSDL"]
            default = prepare_and_run(target.endpoint, target.wsdl_url,
                                      ["AM-WSDL"])["AM-WSDL"]
        finally:
            files.shutdown()
    assert given.status == "failed" and "breaking difference" in given.failure["message"]
    assert default.status == "passed"
