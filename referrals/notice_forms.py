"""Forms for the log of notifications to outside bodies: a notification of any kind, and a
letter made from a template recorded as sent. The rules are ``notices``' (``NoticeRefused``
names the answer at fault); these forms read what was typed."""

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from cmr_portal.kernel.forms import GovukDateField, GovukFormMixin, govuk_helper
from panels.models import Agency, User
from referrals import notices
from referrals.models import OutsideNotification, Referral

Notification = OutsideNotification


def short_text(label: str, name: str, max_length: int, help_text: str = "") -> forms.CharField:
    """An optional line of text that says, in words, when it is too long."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=False,
        error_messages={"max_length": f"{name} must be {max_length} characters or fewer"},
    )


def role_field() -> forms.CharField:
    return short_text(
        "Their role (optional)",
        "The role",
        150,
        "The post told, not a person's name: for example, Chief Executive.",
    )


def sent_on_field() -> GovukDateField:
    return GovukDateField(
        "date sent", required=True, years_back=5, help_text="For example, 27 3 2026"
    )


def sent_by_field() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label="Who sent it",
        queryset=notices.senders(),
        empty_label=None,
        error_messages={"required": "Choose the SBNI person who sent it"},
    )


def method_field(choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="How it was sent",
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it was sent"},
    )


class NoticeForm(GovukFormMixin, forms.Form):
    """Any notification to a body outside the portal."""

    recipient = forms.ChoiceField(
        label="Who was told",
        choices=Notification.Recipient.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who was told"},
    )
    agency = forms.ModelChoiceField(
        label="The agency (if an agency involved was told)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Choose an agency",
    )
    organisation = short_text(
        "The organisation (if another organisation was told)", "The organisation", 150
    )
    role = role_field()
    sent_on = sent_on_field()
    sent_by = sent_by_field()
    subject = forms.ChoiceField(
        label="What they were told",
        choices=Notification.Subject.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what they were told"},
    )
    description = short_text(
        "In a few words (needed for something else)",
        "The description",
        300,
        "Up to 300 characters. No names of the child or the family.",
    )
    method = method_field(Notification.Method.choices)

    def __init__(self, *args: Any, referral: Referral, by: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field: Any = self.fields["agency"]
        agency_field.queryset = Agency.objects.filter(
            pk__in=referral.agencies.values("agency")
        ).order_by("name")
        self.fields["sent_by"].initial = by.pk
        self.helper = govuk_helper(
            Field.radios("recipient", legend_size=Size.MEDIUM),
            Field.select("agency"),
            "organisation",
            "role",
            Field("sent_on"),
            Field.select("sent_by"),
            Field.radios("subject", legend_size=Size.MEDIUM),
            "description",
            Field.radios("method", legend_size=Size.MEDIUM),
            button="Record the notification",
        )

    def values(self) -> notices.NoticeValues:
        data = self.cleaned_data
        return notices.NoticeValues(
            recipient=data["recipient"],
            sent_on=data["sent_on"],
            sent_by=data["sent_by"],
            subject=data["subject"],
            method=data["method"],
            agency=data["agency"],
            organisation=data["organisation"],
            role=data["role"],
            description=data["description"],
        )


# How a letter goes: on paper or attached to an email.
LETTER_METHODS = [
    (method.value, method.label)
    for method in (
        Notification.Method.LETTER,
        Notification.Method.SECURE_EMAIL,
        Notification.Method.EMAIL,
    )
]


class LetterSentForm(GovukFormMixin, forms.Form):
    """A letter made from a template, recorded as sent: when, by whom, how, and to which role."""

    role = role_field()
    sent_on = sent_on_field()
    sent_by = sent_by_field()
    method = method_field(LETTER_METHODS)

    def __init__(self, *args: Any, by: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sent_by"].initial = by.pk
        self.helper = govuk_helper(
            "role",
            Field("sent_on"),
            Field.select("sent_by"),
            Field.radios("method", legend_size=Size.MEDIUM),
            button="Record it as sent",
        )

    def values(self, letter: notices.Letter) -> notices.NoticeValues:
        data = self.cleaned_data
        return notices.NoticeValues(
            recipient=letter.recipient,
            sent_on=data["sent_on"],
            sent_by=data["sent_by"],
            subject=letter.subject,
            method=data["method"],
            agency=letter.agency,
            role=data["role"],
        )
