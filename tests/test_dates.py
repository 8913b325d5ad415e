"""The masthead's edition date."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dates import build_time, edition_date, english_ordinal


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
