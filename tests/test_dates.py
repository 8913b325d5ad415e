"""The masthead's edition date."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dates import build_time, edition_date, english_ordinal, in_edition_digits, long_date, number


@pytest.mark.parametrize("day, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                       (13, "13th"), (19, "19th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (31, "31st")])
def test_english_ordinals(day, text):
    assert english_ordinal(day) == text


def test_source_date_epoch_gives_the_reference_date_in_karachi():
    moment = build_time("Asia/Karachi", {"SOURCE_DATE_EPOCH": "1713484800"})
    assert edition_date(moment) == "Friday, April 19th 2024"


def test_the_edition_date_follows_the_site_time_zone():
    # 20:00 UTC on 18 April is already 19 April in Karachi.
    moment = build_time("Asia/Karachi", {"SOURCE_DATE_EPOCH": str(int(datetime(2024, 4, 18, 20, tzinfo=ZoneInfo("UTC")).timestamp()))})
    assert edition_date(moment) == "Friday, April 19th 2024"


def test_a_date_printed_again_is_printed_in_its_own_time_zone():
    # The filters remember what they printed; the same instant in two zones
    # is two days (equal datetimes, different offsets).
    printed = in_edition_digits(long_date, {"ur": {"digits": "arabext"}})
    in_utc = datetime(2024, 3, 2, 20, 30, tzinfo=ZoneInfo("UTC"))
    in_karachi = in_utc.astimezone(ZoneInfo("Asia/Karachi"))
    assert in_utc == in_karachi
    assert [printed(in_utc), printed(in_karachi), printed(in_utc)] == ["2 March 2024", "3 March 2024", "2 March 2024"]
    assert printed(in_karachi, "ur") == "۳ مارچ، ۲۰۲۴"


def test_a_count_printed_again_follows_the_language_asked():
    counted = in_edition_digits(number, {"ur": {"digits": "arabext"}})
    assert [counted(1250), counted(1250, "ur"), counted(1250)] == ["1,250", "۱,۲۵۰", "1,250"]
    assert [counted(0.0), counted(-0.0)] == ["0", "-0"]  # equal, printed apart
