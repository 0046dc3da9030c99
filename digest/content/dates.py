"""Dates in the shapes real sites use, read the same way whether YAML quoted them or not."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo

_DATE = re.compile(
    r"""^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})
    (?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?
    \s*(?P<tz>Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?$""",
    re.VERBOSE | re.IGNORECASE,
)
FILENAME_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-")
EXAMPLE = "2022-09-15, 2022-09-15 18:30 or 2022-09-15T18:30:00+05:00"


def parse_date(value: object, tz: tzinfo) -> datetime:
    """An aware datetime from text or YAML values; naive times are in the site's time zone `tz`.

    Raises ValueError with a reason when the value is not a date.
    """
    if isinstance(value, date):
        return _in_range(_aware(value, tz), tz, str(value))
    if not isinstance(value, str):
        raise ValueError(f"expected a date like {EXAMPLE}, found {value!r}")
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(f"`{value}` is not a date — write it like {EXAMPLE}")
    g = match.groupdict()
    fraction = (g["f"] or "0")[:6].ljust(6, "0")
    try:
        moment = datetime(
            int(g["y"]), int(g["m"]), int(g["d"]),
            int(g["H"] or 0), int(g["M"] or 0), int(g["S"] or 0), int(fraction),
            tzinfo=_offset(g["tz"]) or tz,
        )  # fmt: skip
    except ValueError as exc:  # e.g. month 13 or February 30
        raise ValueError(f"`{value}` is not a real date ({exc})") from None
    return _in_range(moment, tz, value)


def names_a_time(value: object) -> bool:
    """Whether a date as written gives a time of day (`2022-09-15 18:30`), so pages may show it."""
    if isinstance(value, str):
        match = _DATE.match(value.strip())
        return bool(match and match["H"])
    return isinstance(value, datetime)


def _aware(value: date, tz: tzinfo) -> datetime:
    """A YAML date or datetime as an aware datetime, naive ones in the site's time zone."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return datetime(value.year, value.month, value.day, tzinfo=tz)


def _in_range(moment: datetime, tz: tzinfo, written: str) -> datetime:
    """`moment`, once sure that UTC and the site's time zone can show it (year 9999 in -05:00 cannot)."""
    try:
        for zone in (timezone.utc, tz):
            if not 1 <= moment.astimezone(zone).year <= 9998:  # a day's margin for archive ranges
                raise OverflowError
    except OverflowError:
        raise ValueError(f"`{written}` is out of range — write a date between the years 1 and 9998") from None
    return moment


def _offset(text: str | None) -> tzinfo | None:
    """A fixed offset from `Z`, `-4`, `-0400` or `+05:30`."""
    if not text:
        return None
    if text.upper() in ("Z", "UTC", "GMT"):
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
    if hours > 23 or minutes > 59:
        raise ValueError(f"`{text}` is not a time zone offset")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def filename_date(name: str, tz: tzinfo) -> datetime | None:
    """The date of a Jekyll-style `YYYY-MM-DD-slug.md` file name, if it has one."""
    match = FILENAME_DATE.match(name)
    if not match:
        return None
    try:
        return _in_range(datetime(*map(int, match.groups()), tzinfo=tz), tz, name)
    except ValueError:
        return None
