"""Hypothesis strategies: hostile XML 1.0 text, and schema-valid values from XSD components.

``from_xsd`` turns any xmlschema element or type into a strategy for values that validate
(:mod:`conformance.strategies.xsd`); ``xml_text`` draws the text it puts in strings
(:mod:`conformance.strategies.xmltext`). Domain strategies for the suite's own checks live
in :mod:`conformance.strategies.domain` and build on these.
"""

from conformance.strategies.xmltext import (
    CHAR_CLASSES,
    char_classes,
    is_xml_char,
    xml_characters,
    xml_text,
)
from conformance.strategies.xsd import TextFactory, UnsupportedSchema, from_xsd

__all__ = [
    "CHAR_CLASSES",
    "TextFactory",
    "UnsupportedSchema",
    "char_classes",
    "from_xsd",
    "is_xml_char",
    "xml_characters",
    "xml_text",
]
