"""Conformance suite for the addMessage family of the ticket port of the Service SOAP
interface (SuperOffice Service, formerly eJournal).

Public API: load the contract, and the version. Everything else is reached through the CLI
(``conformance``), the pytest plugin, or the sub-packages named in ARCHITECTURE.md.
"""

from conformance.contract import CANONICAL_WSDL, Contract, ContractError, load_contract

__version__ = "0.1.0"

__all__ = ["CANONICAL_WSDL", "Contract", "ContractError", "__version__", "load_contract"]
