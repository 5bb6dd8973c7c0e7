"""Front-matter dates in the forms Jekyll accepts beyond ``YYYY-MM-DD``.

Jekyll reads ``date:`` with Ruby's ``Time.parse``: "March 5, 2024", "5 Mar 2024 10:00",
"2024/03/05", "Tue, 05 Mar 2024 10:00:00 +0100", "2024-03-05 10:00:00 PST". python-dateutil's
parser reads the same forms; it is set up here with ``Time.parse``'s conventions: numbers
read year-month-day ("01-10-31" is 2001-10-31) unless only the last is a full year
("05/03/2024" is 5 March), a day comes before a year beside a month's name ("5 Mar 24"),
two-digit years are
1969-2068, RFC 822 zone names (UT, GMT, EST … PDT) are known and any other is ignored (the
time is then local), a missing day is the 1st and a missing time midnight. What
``Time.parse`` takes from the current date (a missing year or month) is refused instead: a
post's date must not depend on the day it is built.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateutil.parser import parser

# RFC 822 zone names, the ones Time.parse knows (hours east of UTC).
RFC822_ZONES = {"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5}
RFC822_ZONES |= {"MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
ADVICE = "write it as YYYY-MM-DD, optionally with HH:MM:SS and a UTC offset"

# Parsed twice with these defaults: a field that comes out different was not in the text.
_LOW = dt.datetime(2000, 1, 1, 0, 0, 0)
_HIGH = dt.datetime(2001, 2, 1, 1, 0, 0)
_NUMBERS = re.compile(r"^\s*(?:\d+[-/.]\d|\d{8}(?!\d))")  # 2024/3/5, 01-10-31, 20240305
_DAY_FIRST = re.compile(r"^\s*\d{1,2}([-/.])\d{1,2}\1\d{3,}")  # 05/03/2024


def parse_loose_date(text: str) -> dt.date | dt.datetime:
    """``text`` as ``Time.parse`` reads it: a date, or a datetime when it gives a time (with
    its UTC offset when it gives a zone). Raises ``ValueError`` saying what is wrong."""
    from dateutil.parser import ParserError, UnknownTimezoneWarning

    reader = _parser(bool(_NUMBERS.match(text)) and not _DAY_FIRST.match(text))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnknownTimezoneWarning)  # an unknown zone is ignored
            low = reader.parse(text, default=_LOW, tzinfos=_offset)
            high = reader.parse(text, default=_HIGH, tzinfos=_offset)
    except (ParserError, ValueError, OverflowError) as err:
        cause = str(err).split(":")[0] if "out of range" in str(err) else "not a form Jekyll reads"
        raise ValueError(f"{cause}; {ADVICE}") from err
    if low.year != high.year or low.month != high.month:
        raise ValueError(f"no year or no month, which Jekyll takes from the day of the build; {ADVICE}")
    if low.hour != high.hour:  # no time of day
        return low.date()
    return low


def _offset(name: str | None, seconds: int | None) -> dt.tzinfo | None:
    """A fixed UTC offset, never the machine's own zone (dateutil maps names like "UTC" or
    "EST" to the local zone when the machine is in it)."""
    return None if seconds is None else dt.timezone(dt.timedelta(seconds=seconds))


@cache
def _parser(year_first: bool) -> parser:
    from dateutil import parser as dateutil_parser

    class TimeParseInfo(dateutil_parser.parserinfo):
        TZOFFSET = {name: hours * 3600 for name, hours in RFC822_ZONES.items()}  # noqa: RUF012 (as the base declares it)

        def convertyear(self, year: int, century_specified: bool = False) -> int:
            if year < 100 and not century_specified:  # Ruby's fixed window, not one around today
                return year + (1900 if year >= 69 else 2000)
            return year

    return dateutil_parser.parser(TimeParseInfo(dayfirst=not year_first, yearfirst=year_first))
