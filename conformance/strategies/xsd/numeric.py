"""Strategy factories for the boolean, numeric and binary built-in datatypes.

Datatypes 3.2.2-3.2.5, 3.2.15-3.2.16 and 3.3.13-3.3.25: bounds and digit facets become
integer ranges (a decimal is an integer scaled by its places), floats honour their width
unless bounded, and binary length facets count octets.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Literal

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from conformance.strategies.xsd.base import Factory, UnsupportedSchema
from conformance.strategies.xsd.facets import Facets

if TYPE_CHECKING:
    from conformance.strategies.xsd.simple import SimpleBuilder


def boolean(builder: SimpleBuilder, facets: Facets) -> SearchStrategy[bool]:
    return st.booleans()


def integer(builder: SimpleBuilder, facets: Facets) -> SearchStrategy[int]:
    low, high = _integer_bounds(facets, 1)
    return st.integers(low, high)


def _integer_bounds(facets: Facets, scale: int) -> tuple[int | None, int | None]:
    """The integer bounds of ``value * scale`` for the bound and digit facets."""
    low = high = None
    if facets.low is not None:
        scaled = facets.low * scale
        low = math.floor(scaled) + 1 if facets.low_open else math.ceil(scaled)
    if facets.high is not None:
        scaled = facets.high * scale
        high = math.ceil(scaled) - 1 if facets.high_open else math.floor(scaled)
    if facets.total_digits is not None:
        limit = 10**facets.total_digits - 1
        low = -limit if low is None else max(low, -limit)
        high = limit if high is None else min(high, limit)
    if low is not None and high is not None and low > high:
        raise UnsupportedSchema(f"the bounds of {facets} leave no value")
    return low, high


_DECIMAL_PLACES = 6  # str(Decimal) switches to exponent form (not xs:decimal) below 1E-6


def decimal(builder: SimpleBuilder, facets: Facets) -> SearchStrategy[Decimal]:
    limits = [_DECIMAL_PLACES, facets.fraction_digits, facets.total_digits]
    places = min(x for x in limits if x is not None)
    options = []
    for place in range(places + 1):
        try:
            low, high = _integer_bounds(facets, 10**place)
        except UnsupportedSchema:
            continue
        options.append(st.integers(low, high).map(partial(_scaled, place)))
    if not options:
        raise UnsupportedSchema(f"no decimal with at most {places} places fits {facets}")
    return st.one_of(options)


def _scaled(places: int, digits: int) -> Decimal:
    return Decimal(f"{digits}e-{places}")


_FLOAT32_MAX = 3.4028234663852886e38
# Relative margin inside an exclusive bound, per width: xs:float is read as a 32-bit float
# (libxml2 rounds -0.4999999989999999 to -0.5), so its margin is above float32's precision.
_MARGIN = {32: 1e-6, 64: 1e-9}


def floating(width: Literal[32, 64]) -> Factory:
    def make(builder: SimpleBuilder, facets: Facets) -> SearchStrategy[float]:
        low = None if facets.low is None else float(facets.low)
        high = None if facets.high is None else float(facets.high)
        if width == 32 and facets.bounded:
            low = None if low is None else max(low, -_FLOAT32_MAX)
            high = None if high is None else min(high, _FLOAT32_MAX)
        # Keep a margin inside an exclusive bound: validators parse the last digits of a
        # double differently (libxml2 read -0.49999999999999994 as -0.5).
        if facets.low_open and low is not None:
            low += max(abs(low), 1.0) * _MARGIN[width]
        if facets.high_open and high is not None:
            high -= max(abs(high), 1.0) * _MARGIN[width]
        return st.floats(
            min_value=low,
            max_value=high,
            allow_nan=not facets.bounded,
            width=64 if facets.bounded else width,
        )

    return make


def binary(encode: Callable[[bytes], str]) -> Factory:
    """Binary types: length facets count octets (Datatypes 4.3.1.3)."""

    def make(builder: SimpleBuilder, facets: Facets) -> SearchStrategy[str]:
        high = facets.max_length if facets.max_length is not None else facets.min_length + 64
        return st.binary(min_size=facets.min_length, max_size=high).map(encode)

    return make


def to_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def to_hex(data: bytes) -> str:
    return data.hex().upper()
