"""What every form of the portal shares: GOV.UK Frontend layout by crispy-forms-gds, and the
date input every form uses."""

import datetime
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.utils import timezone


class GovukFormMixin:
    """What every form of the portal does to its fields, following the GOV.UK Design System.

    - No ``maxlength`` attribute: the browser would cut text silently; the server says instead.
    - No empty choice among radio buttons ("---------").
    - Numbers in text inputs with a numeric keyboard, as the Design System advises.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)
            # (Checkboxes are radios to Django: CheckboxSelectMultiple extends RadioSelect.)
            if isinstance(field.widget, forms.RadioSelect) and isinstance(field, forms.ChoiceField):
                if isinstance(field, forms.ModelChoiceField):
                    # Its choices follow its queryset, which the form may set later: fixing
                    # them here would freeze them.
                    field.empty_label = None
                else:
                    field.choices = [
                        (value, label) for value, label in field.widget.choices if value != ""
                    ]
            if isinstance(field, forms.IntegerField):
                field.widget = forms.TextInput(
                    attrs={"inputmode": "numeric", "spellcheck": "false"}
                )


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one (``request.POST or None`` loses those)."""
    return request.POST if request.method == "POST" else None


def govuk_helper(*items: Any, button: str | Button) -> FormHelper:
    """A helper for forms whose page template draws the <form> tag and the error summary.

    Each item is a field name (a text input) or a crispy-forms-gds layout object.
    """
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        *(
            Field.text(item, field_width=Fluid.TWO_THIRDS) if isinstance(item, str) else item
            for item in items
        ),
        button if isinstance(button, Button) else Button("submit", button),
    )
    return helper


def long_text(
    label: str, max_length: int, *, required: str | None = None, name: str | None = None
) -> forms.CharField:
    """A textarea that says how long it may be, and says so again when it is too long.

    ``name`` is what the messages call it, where the label is a question or says "optional".
    """
    return forms.CharField(
        label=label,
        help_text=f"Up to {max_length:,} characters.",
        max_length=max_length,
        required=required is not None,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": required or "",
            "max_length": f"{name or label} must be {max_length} characters or fewer",
        },
    )


EARLIEST_YEAR = 1900
"""The first year of any date typed into the portal: the default start of a date's range."""

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

# A day or a month as a number: 1 or 2 digits after any leading zeros ("3", "03", "003").
_NUMBER = re.compile(r"0*([0-9]{1,2})")
_DIGITS = re.compile(r"[0-9]+")


def typed(text: object) -> str:
    """One box's text as the portal reads it: spaces around it gone, and the compatibility
    forms of characters (full-width digits, for one) folded into the plain ones (NFKC)."""
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def day_number(text: str) -> int | None:
    """The day of the month, 1 to 31, from a number with or without leading zeros; else None."""
    number = _NUMBER.fullmatch(text)
    day = int(number[1]) if number else 0
    return day if 1 <= day <= 31 else None


def month_number(text: str) -> int | None:
    """The month, 1 to 12, from a number ("3", "03") or from its English name, whole or its
    first 3 letters or more, in any case, with or without a full stop ("Mar", "march",
    "Sept", "sept."); else None. Source: the GOV.UK Design System's date input, which asks
    services to accept month names written out in full or abbreviated."""
    number = _NUMBER.fullmatch(text)
    if number:
        month = int(number[1])
        return month if 1 <= month <= 12 else None
    word = text.removesuffix(".").casefold()
    starting = [index for index, name in enumerate(MONTHS, 1) if name.startswith(word)]
    return starting[0] if len(word) >= 3 and len(starting) == 1 else None


def long_date(value: datetime.date) -> str:
    """A date as GOV.UK writes it: 1 January 2026."""
    return f"{value.day} {value:%B %Y}"


class GovukDateWidget(DateInputWidget):  # type: ignore[misc]
    """Day, month and year boxes. Day and year bring up a numeric keyboard; the month box does
    not, since a month may be typed as a word."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        day, _, year = self.widgets
        for box in (day, year):
            box.attrs["inputmode"] = "numeric"
        for box in self.widgets:
            box.attrs["spellcheck"] = "false"


class GovukDateField(forms.MultiValueField):
    """A date typed as the GOV.UK date input's day, month and year, read as people type it.

    The cleaned value is a ``datetime.date``, or ``None`` when the three boxes are empty and
    the date is optional. Accepted: each part with spaces around it; the day and the month with
    or without leading zeros; the month as a name or its abbreviation, in any case ("Mar",
    "march", "Sept", "sept."); full-width digits. The year must have 4 numbers.

    - ``name``: what the messages call the date, in the middle of a sentence ("date of the
      event"); ``label``, the question above the boxes, defaults to it with a capital letter.
    - ``required``: whether all three empty is refused ("Enter the date of the event").
    - The range of years the date's meaning allows, counted from today's year when the form is
      checked: from ``years_back`` years before it (by default from ``EARLIEST_YEAR``) to
      ``years_ahead`` years after it (by default this year). Whether the date must be in the
      past or the future is the form's rule, with its own message.

    One message at a time, the first that applies, in the Design System's order of priority
    (source: GOV.UK Design System, date input, "Error messages"), for the example name:
    "The date of the event must include a month" (or "a day and month", and so on), "The year
    of the date of the event must include 4 numbers, like 2024", "The date of the event must
    be a real date" (huge numbers, signs, other characters, 31 February), "The date of the
    event must be between 1 January 1900 and 31 December 2026". The boxes at fault are
    highlighted, or all three where the date as a whole is.
    """

    widget = GovukDateWidget

    def __init__(
        self,
        name: str,
        *,
        label: str | None = None,
        required: bool = False,
        years_back: int | None = None,
        years_ahead: int = 0,
        **kwargs: Any,
    ) -> None:
        boxes = tuple(forms.CharField(required=False, strip=False) for _ in range(3))
        super().__init__(
            fields=boxes,
            label=label or name[0].upper() + name[1:],
            required=required,
            require_all_fields=False,
            **kwargs,
        )
        self.name = name
        self.years_back = years_back
        self.years_ahead = years_ahead

    def years(self) -> tuple[int, int]:
        """The first and the last year the date may fall in, as of today."""
        this_year = timezone.localdate().year
        first = EARLIEST_YEAR if self.years_back is None else this_year - self.years_back
        return first, this_year + self.years_ahead

    def clean(self, value: Any) -> datetime.date | None:
        """The date, checked as the class says; ``ValidationError`` with one message if not."""
        parts = list(value) if isinstance(value, list | tuple) else []
        date = self.compress([typed(part) for part in [*parts, "", "", ""][:3]])
        self.validate(date)
        self.run_validators(date)
        return date

    def compress(self, data_list: Sequence[str]) -> datetime.date | None:
        day_text, month_text, year_text = data_list
        boxes = dict(zip(("day", "month", "year"), self.fields, strict=True))
        for box in boxes.values():
            box.widget.errors = []

        def refuse(message: str, *at_fault: str) -> ValidationError:
            for part in at_fault or tuple(boxes):
                boxes[part].widget.errors = [message]
            return ValidationError(message)

        texts = {"day": day_text, "month": month_text, "year": year_text}
        missing = [part for part, text in texts.items() if not text]
        if len(missing) == 3:
            if self.required:
                raise ValidationError(f"Enter the {self.name}", code="required")
            return None
        if missing:
            parts = " and ".join(missing)
            raise refuse(f"The {self.name} must include a {parts}", *missing)
        if _DIGITS.fullmatch(year_text) and (len(year_text) < 4 or year_text.startswith("0")):
            raise refuse(f"The year of the {self.name} must include 4 numbers, like 2024", "year")
        day, month = day_number(day_text), month_number(month_text)
        year = int(year_text) if _DIGITS.fullmatch(year_text) and len(year_text) == 4 else None
        if day is None or month is None or year is None:
            wrong = [part for part, read in zip(texts, (day, month, year), strict=True) if not read]
            raise refuse(f"The {self.name} must be a real date", *wrong)
        try:
            date = datetime.date(year, month, day)
        except ValueError as error:
            raise refuse(f"The {self.name} must be a real date") from error
        first, last = self.years()
        if not first <= date.year <= last:
            start, end = datetime.date(first, 1, 1), datetime.date(last, 12, 31)
            raise refuse(f"The {self.name} must be between {long_date(start)} and {long_date(end)}")
        return date
