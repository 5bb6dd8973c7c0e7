"""Front-matter dates: the forms Jekyll accepts (Ruby's ``Time.parse``) are read, with their
time zones; text that is not a date is still refused, naming the file, field and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from export_post import FrontMatterError, load_post
from export_post.reader.frontmatter import parse_date


def tz(hours: float) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


ACCEPTED = [
    # Jekyll's own form, and ISO 8601 / XML Schema
    ("2024-03-05", dt.date(2024, 3, 5)),
    ("2024-3-5 9:05:00", dt.datetime(2024, 3, 5, 9, 5)),
    ("2024-03-05 10:00:00 +0100", dt.datetime(2024, 3, 5, 10, 0, tzinfo=tz(1))),
    ("2024-03-05 10:00:00-0430", dt.datetime(2024, 3, 5, 10, 0, tzinfo=tz(-4.5))),
    ("2024-03-05T10:00:00.123Z", dt.datetime(2024, 3, 5, 10, 0, tzinfo=dt.UTC)),
    ("2024-03-05T10:00:00+05:30", dt.datetime(2024, 3, 5, 10, 0, tzinfo=tz(5.5))),
    # Ruby's Time.parse documentation
    ("2010-10-31", dt.date(2010, 10, 31)),
    ("Thu Nov 29 14:33:20 2001", dt.datetime(2001, 11, 29, 14, 33, 20)),
    ("Thu Nov 29 14:33:20 GMT 2001", dt.datetime(2001, 11, 29, 14, 33, 20, tzinfo=dt.UTC)),
    ("Aug 2000", dt.date(2000, 8, 1)),  # a missing day is the 1st
    ("2002/1", dt.date(2002, 1, 1)),
    ("01-10-31", dt.date(2001, 10, 31)),  # two-digit years: 1969-2068
    ("70-10-31", dt.date(1970, 10, 31)),
    ("Sat Aug 28 02:55:50 +09:00 1999", dt.datetime(1999, 8, 28, 2, 55, 50, tzinfo=tz(9))),
    # RFC 2822 (Time.rfc2822) and RFC 822 zone names
    ("Tue, 05 Mar 2024 10:00:00 +0100", dt.datetime(2024, 3, 5, 10, 0, tzinfo=tz(1))),
    ("Tue, 05 Mar 24 10:00:00 -0000", dt.datetime(2024, 3, 5, 10, 0, tzinfo=dt.UTC)),
    ("2024-03-05 10:00:00 PST", dt.datetime(2024, 3, 5, 10, 0, tzinfo=tz(-8))),
    ("2024-07-05 10:00 EDT", dt.datetime(2024, 7, 5, 10, 0, tzinfo=tz(-4))),
    ("2024-03-05 10:00:00 UTC", dt.datetime(2024, 3, 5, 10, 0, tzinfo=dt.UTC)),
    ("2024-03-05 10:00:00 CET", dt.datetime(2024, 3, 5, 10, 0)),  # unknown to Time.parse: local
    # what posts and themes write
    ("March 5, 2024", dt.date(2024, 3, 5)),
    ("Mar 5 2024", dt.date(2024, 3, 5)),
    ("Tuesday, March 5, 2024", dt.date(2024, 3, 5)),
    ("5 Mar 2024 10:00", dt.datetime(2024, 3, 5, 10, 0)),
    ("5th March 2024", dt.date(2024, 3, 5)),
    ("March 5th, 2024 2:30 pm", dt.datetime(2024, 3, 5, 14, 30)),
    ("5 Mar 24", dt.date(2024, 3, 5)),
    ("2024/03/05", dt.date(2024, 3, 5)),
    ("2024.03.05", dt.date(2024, 3, 5)),
    ("20240305", dt.date(2024, 3, 5)),
    ("05/03/2024", dt.date(2024, 3, 5)),  # day first, as Time.parse reads it
    ("5.3.2024", dt.date(2024, 3, 5)),
    ("  2024-03-05  ", dt.date(2024, 3, 5)),
]

REFUSED = [
    ("yesterday", "not a form Jekyll reads"),
    ("TBD", "not a form Jekyll reads"),
    ("not a date", "not a form Jekyll reads"),
    ("", "not a form Jekyll reads"),
    ("2024-13-01", "month must be in 1..12"),
    ("2024-02-30", "day is out of range for month"),
    ("2024-03-05 25:00", "hour must be in 0..23"),
    ("March 32, 2024", "day is out of range for month"),
    ("0000-00-00", "out of range"),
    # What Time.parse takes from the day of the build: never reproducible
    ("March 5", "no year"),
    ("16:30", "no year"),
    ("2024", "no month"),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_a_date_jekyll_accepts_is_read_with_its_zone(text: str, expected: dt.date) -> None:
    parsed = parse_date(text)
    assert parsed == expected and type(parsed) is type(expected)
    if isinstance(expected, dt.datetime):
        assert isinstance(parsed, dt.datetime) and parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("text", "reason"), REFUSED, ids=[t or "empty" for t, _ in REFUSED])
def test_text_that_is_not_a_date_is_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


def test_zone_names_never_mean_the_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setattr(time, "tzname", ("EST", "EDT"))  # dateutil would read these as local
    parsed = parse_date("2024-07-05 10:00 EST")
    assert isinstance(parsed, dt.datetime) and parsed.utcoffset() == dt.timedelta(hours=-5)


def test_the_post_gets_the_date_and_a_bad_one_names_file_field_and_line(tmp_path: Path) -> None:
    good = tmp_path / "2024-06-01-good.md"
    good.write_text("---\ntitle: T\ndate: March 5, 2024\n---\nBody\n", encoding="utf-8")
    assert load_post(good).meta.date == dt.date(2024, 3, 5)
    bad = tmp_path / "2024-06-01-bad.md"
    bad.write_text("---\ntitle: T\ndate: the fifth of never\n---\nBody\n", encoding="utf-8")
    with pytest.raises(FrontMatterError) as info:
        load_post(bad)
    message = str(info.value)
    assert message.startswith(f"{bad}:3: front matter 'date': 'the fifth of never' is not a valid date")
    assert "YYYY-MM-DD" in message and "\n" not in message
