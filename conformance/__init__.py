"""Conformance suite for the addMessage family of the ticket port of the Service SOAP
interface (SuperOffice Service, formerly eJournal).

Public API: load the contract, and the version. Everything else is reached through the CLI
(``conformance``), the pytest plugin, or the sub-packages named in ARCHITECTURE.md.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
_CONTRACT_NAMES = ("CANONICAL_WSDL", "Contract", "ContractError", "load_contract")


def __getattr__(name: str) -> Any:
    """The contract's names, imported on first use (PEP 562): the CLI starts without
    loading xmlschema."""
    if name in _CONTRACT_NAMES:
        from conformance import contract

        return getattr(contract, name)
    raise AttributeError(f"module 'conformance' has no attribute {name!r}")


__all__ = ["CANONICAL_WSDL", "Contract", "ContractError", "__version__", "load_contract"]
