"""The table of built-in datatypes :func:`~conformance.strategies.xsd.from_xsd` draws from.

:data:`BUILTINS` has one strategy factory per built-in atomic datatype (Datatypes section
3), keyed by its QName; :data:`UNSUPPORTED` names those no value is valid for on its own,
and why. The tests check that the two together cover xmlschema's built-ins. The sets below
say which types hold text beyond ASCII and which facets a factory leaves to filtering.
"""

from __future__ import annotations

from conformance.strategies.xsd.base import Factory, xs
from conformance.strategies.xsd.facets import Facets
from conformance.strategies.xsd.numeric import (
    binary,
    boolean,
    decimal,
    floating,
    integer,
    to_base64,
    to_hex,
)
from conformance.strategies.xsd.strings import NCNAME, NMTOKEN, any_uri, free_text, language
from conformance.strategies.xsd.temporal import duration, temporal

_INTEGER_TYPES = (
    "integer long int short byte nonNegativeInteger positiveInteger nonPositiveInteger "
    "negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte"
).split()

BUILTINS: dict[str, Factory] = {
    xs("string"): free_text,
    xs("normalizedString"): free_text,
    xs("token"): free_text,
    xs("language"): language,
    xs("Name"): NCNAME,
    xs("NCName"): NCNAME,
    xs("NMTOKEN"): NMTOKEN,
    xs("QName"): NCNAME,  # unprefixed: valid whatever namespaces are in scope
    xs("anyURI"): any_uri,
    xs("boolean"): boolean,
    xs("decimal"): decimal,
    **{xs(name): integer for name in _INTEGER_TYPES},
    xs("float"): floating(32),
    xs("double"): floating(64),
    xs("base64Binary"): binary(to_base64),
    xs("hexBinary"): binary(to_hex),
    xs("dateTime"): temporal(lambda d: d.isoformat()),
    xs("dateTimeStamp"): temporal(lambda d: d.isoformat(), timezone="required"),
    xs("date"): temporal(lambda d: d.date().isoformat()),
    xs("time"): temporal(lambda d: d.time().isoformat()),
    xs("gYear"): temporal(lambda d: f"{d.year:04d}"),
    xs("gYearMonth"): temporal(lambda d: f"{d.year:04d}-{d.month:02d}"),
    xs("gMonth"): temporal(lambda d: f"--{d.month:02d}"),
    xs("gMonthDay"): temporal(lambda d: f"--{d.month:02d}-{d.day:02d}"),
    xs("gDay"): temporal(lambda d: f"---{d.day:02d}"),
    xs("duration"): duration("YMD", True),
    xs("dayTimeDuration"): duration("D", True),
    xs("yearMonthDuration"): duration("YM", False),
}
"""One strategy factory per built-in atomic datatype, keyed by its QName."""

UNSUPPORTED: dict[str, str] = {
    xs("ID"): "an xs:ID must be unique in its document, which a single value cannot know",
    xs("IDREF"): "an xs:IDREF must name an xs:ID of the same document",
    xs("ENTITY"): "an xs:ENTITY must name an unparsed entity declared in a DTD",
    xs("NOTATION"): "an xs:NOTATION must name a declared notation (restrict by enumeration)",
    xs("error"): "xs:error has an empty value space",
}
"""Built-in atomic datatypes with no value valid on its own, and why."""

_TEMPORAL = {
    xs(name)
    for name in (
        "dateTime dateTimeStamp date time gYear gYearMonth gMonth gMonthDay gDay duration "
        "dayTimeDuration yearMonthDuration"
    ).split()
}
TEXTUAL = {
    xs(name)
    for name in (
        "string normalizedString token language Name NCName NMTOKEN QName anyURI ID IDREF "
        "ENTITY NOTATION"
    ).split()
}
"""Built-in datatypes whose values may hold characters beyond ASCII."""

_SIZED_BY_FILTER = {xs("language")}  # minLength is checked, maxLength is built in


def needs_check(builtin: str, facets: Facets) -> bool:
    """Whether facets the factory does not build in apply (they are then filtered for)."""
    return (builtin in _TEMPORAL and facets.bounded) or (
        builtin in _SIZED_BY_FILTER and facets.sized
    )
