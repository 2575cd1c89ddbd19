"""The one date input of the portal (cmr_portal.kernel.forms.GovukDateField), box by box.

What GOV.UK's date input accepts is accepted; every refusal has its one message, in the Design
System's words and order of priority; no number, however large, reaches a server error.
"""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone

from cmr_portal.kernel.forms import GovukDateField, GovukFormMixin

THIS_YEAR = timezone.localdate().year
EVENT = GovukDateField("date of the event")
MEETING = GovukDateField("date of the meeting", required=True, years_back=2, years_ahead=2)


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("27", "3", "2024", datetime.date(2024, 3, 27)),
        ("07", "03", "2024", datetime.date(2024, 3, 7)),
        ("007", "003", "2024", datetime.date(2024, 3, 7)),
        (" 27 ", "  3\t", " 2024 ", datetime.date(2024, 3, 27)),
        ("27", "Mar", "2024", datetime.date(2024, 3, 27)),
        ("27", "mar", "2024", datetime.date(2024, 3, 27)),
        ("27", "MARCH", "2024", datetime.date(2024, 3, 27)),
        ("27", "march", "2024", datetime.date(2024, 3, 27)),
        ("27", "Mar.", "2024", datetime.date(2024, 3, 27)),
        ("1", "Sept", "2020", datetime.date(2020, 9, 1)),
        ("1", "sept.", "2020", datetime.date(2020, 9, 1)),
        ("1", "Sep", "2020", datetime.date(2020, 9, 1)),
        ("1", "September", "2020", datetime.date(2020, 9, 1)),
        ("29", "feb", "2024", datetime.date(2024, 2, 29)),
        ("1", "may", "2020", datetime.date(2020, 5, 1)),
        ("30", "June", "2020", datetime.date(2020, 6, 30)),
        ("31", "jul", "2020", datetime.date(2020, 7, 31)),
        ("31", "Dec", "1900", datetime.date(1900, 12, 31)),
        ("1", "1", "1900", datetime.date(1900, 1, 1)),
        # Full-width digits, as some keyboards type them.
        ("\uff12\uff17", "\uff13", "\uff12\uff10\uff12\uff14", datetime.date(2024, 3, 27)),
    ],
)
def test_a_date_is_read_as_people_type_it(
    day: str, month: str, year: str, expected: datetime.date
) -> None:
    assert EVENT.clean([day, month, year]) == expected


REAL = "The date of the event must be a real date"
FOUR = "The year of the date of the event must include 4 numbers, like 2024"
RANGE = f"The date of the event must be between 1 January 1900 and 31 December {THIS_YEAR}"


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        # Missing parts, named.
        ("", "3", "2024", "The date of the event must include a day"),
        ("27", "", "2024", "The date of the event must include a month"),
        ("27", "3", "", "The date of the event must include a year"),
        ("", "", "2024", "The date of the event must include a day and month"),
        ("", "3", "", "The date of the event must include a day and year"),
        ("27", " ", "  ", "The date of the event must include a month and year"),
        # A year of other than 4 numbers.
        ("27", "3", "24", FOUR),
        ("27", "3", "0024", FOUR),
        ("1", "1", "0001", FOUR),
        ("27", "3", "2", FOUR),
        # Days and months that cannot be.
        ("0", "3", "2024", REAL),
        ("32", "3", "2024", REAL),
        ("27", "0", "2024", REAL),
        ("27", "13", "2024", REAL),
        ("31", "2", "2024", REAL),
        ("29", "2", "2023", REAL),
        ("31", "Sept", "2020", REAL),
        # Words that are not a month, or could be two.
        ("27", "ma", "2024", REAL),
        ("27", "ju", "2024", REAL),
        ("27", "marchy", "2024", REAL),
        ("27", "mars", "2024", REAL),
        ("27", "3rd", "2024", REAL),
        # Huge numbers: each would overflow datetime or C's integers.
        ("2147483648", "3", "2024", REAL),
        ("27", "100000000000000000000", "2024", REAL),
        ("27", "3", str(10**30), REAL),
        ("9" * 5000, "3", "2024", REAL),
        ("27", "3", "20245", REAL),
        # Signs, decimals, other characters, NUL bytes.
        ("-1", "3", "2024", REAL),
        ("+1", "3", "2024", REAL),
        ("27", "-3", "2024", REAL),
        ("27", "3", "-2024", REAL),
        ("1.5", "3", "2024", REAL),
        ("27", "3", "2024.0", REAL),
        ("2\x007", "3", "2024", REAL),
        ("27", "3", "\x00", REAL),
        ("1e3", "3", "2024", REAL),
        ("twenty", "3", "2024", REAL),
        ("27", "3", "20 24", REAL),
        ("\u0662", "3", "2024", REAL),  # An Arabic-Indic digit two.
        # Real dates outside the range of years the date's meaning allows.
        ("31", "12", "1899", RANGE),
        ("1", "1", "1000", RANGE),
        ("1", "1", str(THIS_YEAR + 1), RANGE),
        ("31", "12", "9999", RANGE),
    ],
)
def test_every_refusal_has_its_message(day: str, month: str, year: str, message: str) -> None:
    with pytest.raises(forms.ValidationError) as refused:
        EVENT.clean([day, month, year])
    assert refused.value.messages == [message]


def test_an_optional_date_left_empty_is_none_and_a_required_one_is_asked_for() -> None:
    assert EVENT.clean(["", " ", ""]) is None
    assert EVENT.clean(None) is None
    with pytest.raises(forms.ValidationError) as refused:
        MEETING.clean(["", "", ""])
    assert refused.value.messages == ["Enter the date of the meeting"]


def test_a_date_near_today_has_its_own_range() -> None:
    """A CMR Panel meeting is within 2 years either side of today: never 0001 or 9999."""
    assert MEETING.clean(["1", "1", str(THIS_YEAR - 2)]) == datetime.date(THIS_YEAR - 2, 1, 1)
    assert MEETING.clean(["31", "12", str(THIS_YEAR + 2)]) == datetime.date(THIS_YEAR + 2, 12, 31)
    expected = (
        f"The date of the meeting must be between 1 January {THIS_YEAR - 2} "
        f"and 31 December {THIS_YEAR + 2}"
    )
    for year in (str(THIS_YEAR - 3), str(THIS_YEAR + 3), "9999", "1900"):
        with pytest.raises(forms.ValidationError) as refused:
            MEETING.clean(["1", "1", year])
        assert refused.value.messages == [expected]
    with pytest.raises(forms.ValidationError) as refused:
        MEETING.clean(["1", "1", "0001"])
    assert refused.value.messages == [
        "The year of the date of the meeting must include 4 numbers, like 2024"
    ]


class EventForm(GovukFormMixin, forms.Form):
    event = GovukDateField("date of the event", help_text="For example, 27 3 2024")


def boxes(form: EventForm) -> str:
    return Template("{% load crispy_forms_tags %}{{ form.event|as_crispy_field }}").render(
        Context({"form": form})
    )


def inputs(html: str) -> list[str]:
    return html.split("<input")[1:]


def test_only_the_box_at_fault_is_highlighted_and_all_three_keep_what_was_typed() -> None:
    form = EventForm({"event_0": "27", "event_1": "Sept", "event_2": "24"})
    assert not form.is_valid()
    day, month, year = inputs(boxes(form))
    assert "govuk-input--error" not in day
    assert "govuk-input--error" not in month
    assert "govuk-input--error" in year
    assert 'value="27"' in day
    assert 'value="Sept"' in month
    assert 'value="24"' in year

    whole = EventForm({"event_0": "31", "event_1": "2", "event_2": "2024"})
    assert not whole.is_valid()
    assert all("govuk-input--error" in box for box in inputs(boxes(whole)))


def test_the_month_box_takes_words_and_the_others_a_numeric_keyboard() -> None:
    day, month, year = inputs(boxes(EventForm()))
    assert 'inputmode="numeric"' in day
    assert 'inputmode="numeric"' in year
    assert "inputmode" not in month
