"""Strategy factories for the date, time and duration built-in datatypes.

Datatypes 3.2.6-3.2.14 and the XSD 1.1 dateTimeStamp, dayTimeDuration and
yearMonthDuration, drawn as lexical strings: years 2-9998 without 24:00:00, a timezone as
explicitTimezone allows, and durations with the parts each type allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from conformance.strategies.xsd.base import Factory, UnsupportedSchema
from conformance.strategies.xsd.facets import Facets

if TYPE_CHECKING:
    from conformance.strategies.xsd.simple import SimpleBuilder

_DATETIME_MIN, _DATETIME_MAX = datetime(2, 1, 1), datetime(9998, 12, 31)
_DATETIMES = st.datetimes(min_value=_DATETIME_MIN, max_value=_DATETIME_MAX)


def _offset(minutes: int) -> str:
    hours, rest = divmod(abs(minutes), 60)
    return f"{'-' if minutes < 0 else '+'}{hours:02d}:{rest:02d}"


def _timezones(facets: Facets) -> SearchStrategy[str]:
    zoned = st.one_of(st.just("Z"), st.integers(-14 * 60, 14 * 60).map(_offset))
    if facets.timezone == "required":
        return zoned
    if facets.timezone == "prohibited":
        return st.just("")
    return st.one_of(st.just(""), zoned)


def temporal(form: Callable[[datetime], str], timezone: str | None = None) -> Factory:
    """Date and time types (Datatypes 3.2.7-3.2.14) as lexical strings, years 2-9998.

    Each is a datetime cut to the type's fields (a time on 2000-01-01, a gMonth in 2000, as
    elementpath orders them), so bounds become a datetime range; a zoned bound makes the
    values UTC (``Z``), an unzoned one makes them unzoned, since zoned and unzoned values
    are only partially ordered (3.2.7.4). Exclusive bounds are then checked by filtering.
    """

    def make(builder: SimpleBuilder, facets: Facets) -> SearchStrategy[str]:
        if timezone is not None:
            facets = replace(facets, timezone=timezone)
        if not facets.bounded:
            return st.tuples(_DATETIMES.map(form), _timezones(facets)).map("".join)
        low, high, zoned = _datetime_range(facets)
        if zoned:
            zones = st.just("Z")
        else:
            zones = _timezones(facets) if facets.timezone == "required" else st.just("")
        moments = st.datetimes(min_value=low, max_value=high)
        return st.tuples(moments.map(form), zones).map("".join)

    return make


def _datetime_range(facets: Facets) -> tuple[datetime, datetime, bool]:
    low = high = None
    zoned = False
    if facets.low is not None:
        low, zoned = _as_datetime(facets.low)
    if facets.high is not None:
        high, high_zoned = _as_datetime(facets.high)
        zoned = zoned or high_zoned
    low = low or _DATETIME_MIN
    high = high or _DATETIME_MAX
    if low > high:
        raise UnsupportedSchema(f"no date or time lies between {facets.low} and {facets.high}")
    return low, high, zoned


def _as_datetime(value: Any) -> tuple[datetime, bool]:
    """An elementpath date/time value as a naive datetime (in UTC if it has a timezone)."""
    year = min(max(value.year, _DATETIME_MIN.year), _DATETIME_MAX.year)
    fields = (value.hour, value.minute, value.second, value.microsecond)
    try:
        moment = datetime(year, value.month, value.day, *fields)
    except ValueError:  # 29 February of a year moved into the drawable range
        moment = datetime(year, value.month, 28, *fields)
    if value.tzinfo is None:
        return moment, False
    return moment - value.tzinfo.utcoffset(None), True


_SECONDS = st.one_of(
    st.integers(0, 10**5).map(str), st.decimals(0, 10**5, places=3).map(lambda d: f"{d:f}")
)
_AMOUNT = st.none() | st.integers(0, 10**4)


def duration(date_parts: str, time_parts: bool) -> Factory:
    """Durations (Datatypes 3.2.6) as ``PnYnMnDTnHnMnS``, with the parts a subtype allows."""

    def make(builder: SimpleBuilder, facets: Facets) -> SearchStrategy[str]:
        date = st.tuples(*[_AMOUNT.map(partial(_part, unit)) for unit in date_parts])
        time: SearchStrategy[tuple[str, ...]] = st.tuples(
            _AMOUNT.map(partial(_part, "H")),
            _AMOUNT.map(partial(_part, "M")),
            (st.none() | _SECONDS).map(partial(_part, "S")),
        )
        time = time if time_parts else st.just(("",))
        return st.builds(_join_duration, st.booleans(), date, time, st.just(date_parts))

    return make


def _part(unit: str, amount: Any) -> str:
    return "" if amount is None else f"{amount}{unit}"


def _join_duration(
    negative: bool, date: tuple[str, ...], time: tuple[str, ...], date_parts: str
) -> str:
    date_text, time_text = "".join(date), "".join(time)
    if not date_text and not time_text:
        date_text = f"0{date_parts[-1]}" if date_parts else ""
        time_text = "" if date_parts else "0S"
    return f"{'-' if negative else ''}P{date_text}{'T' + time_text if time_text else ''}"
