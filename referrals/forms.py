"""The referral's sections as forms: each saves as a draft whatever is missing."""

import copy
import datetime
from dataclasses import dataclass
from typing import Any

from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from cmr_portal.kernel.documents.services import (
    ACCEPTED_NAMES,
    DocumentRefused,
    check_upload,
    megabytes,
)
from cmr_portal.kernel.forms import GovukDateField, GovukFormMixin, govuk_helper, long_date
from panels.models import Agency
from referrals.models import AgencyInvolvement, Answer, Referral, Sibling
from referrals.services import DATE_LABELS, REQUIRED_AT_SUBMISSION, date_problems


def answer_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=Answer.choices, widget=forms.RadioSelect, required=False
    )


def text_messages(label: str, max_length: int) -> dict[str, str]:
    return {"max_length": f"{label} must be {max_length} characters or fewer"}


class SectionForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A section of the referral. Nothing is required until the referral is sent."""

    button = "Save and continue"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = False
            if isinstance(field, forms.CharField) and field.max_length:
                label = str(field.label or name)
                field.error_messages.update(text_messages(label, field.max_length))
            # The model decides the box: a TextField is a text area with a character count, a
            # CharField (an email, a name, a place) a one-line input of its own type, however
            # long it may be.
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 5
        self.helper = govuk_helper(*self.layout(), button=self.button)

    def clean(self) -> dict[str, Any]:
        """Check the dates against each other and today with the answers saved before."""
        cleaned = super().clean() or {}
        draft = copy.copy(self.instance)
        for name, value in cleaned.items():
            setattr(draft, name, value)
        for name, message in date_problems(draft).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def layout(self) -> list[Any]:
        return [self.field_layout(name) for name in self.fields]

    def field_layout(self, name: str) -> Any:
        field = self.fields[name]
        if isinstance(field.widget, forms.RadioSelect):
            return Field.radios(name, legend_size=Size.SMALL, inline=True)
        if isinstance(field.widget, forms.Textarea):
            # crispy-forms-gds's character count needs a hint to describe the box.
            field.help_text = field.help_text or f"Up to {field.max_length:,} characters."  # type: ignore[attr-defined]
            return Field.textarea(name, max_characters=field.max_length)  # type: ignore[attr-defined]
        if isinstance(field, GovukDateField):
            return Field(name)
        return name


class ChildForm(SectionForm):
    child_date_of_birth = GovukDateField(
        "child's date of birth", help_text="For example, 27 3 2024"
    )
    child_estimated_age = forms.IntegerField(
        label="Estimated age in years, if the date of birth is not known",
        min_value=0,
        max_value=18,
        error_messages={
            "invalid": "Estimated age must be a whole number of years, like 3",
            "min_value": "Estimated age must be 0 or more",
            "max_value": "Estimated age must be 18 or under",
        },
    )

    class Meta:
        model = Referral
        fields = [
            "child_initials",
            "child_date_of_birth",
            "child_estimated_age",
            "child_gender",
            "child_trust_reference",
        ]
        labels = {
            "child_initials": "Child's initials",
            "child_gender": "Gender",
            "child_trust_reference": "Trust reference (optional)",
        }
        help_texts = {"child_initials": "Initials only, never the child's name."}
        widgets = {"child_gender": forms.RadioSelect}


class EventForm(SectionForm):
    event_date = GovukDateField("date of the event")
    agency_aware_date = GovukDateField("date an agency became aware")

    class Meta:
        model = Referral
        fields = ["event_type", "event_date", "agency_aware_date", "event_place", "event_summary"]
        labels = {
            "event_type": "What happened to the child?",
            "event_place": "Where it happened",
            "event_summary": "Factual summary",
        }
        help_texts = {
            "event_summary": "What happened and when, as far as it is known. Facts, not opinions.",
        }
        widgets = {"event_type": forms.RadioSelect}


class LegalStatusForm(SectionForm):
    child_registered_from = GovukDateField("date the child was placed on the register")
    child_registered_to = GovukDateField("date the child came off the register")
    child_looked_after_from = GovukDateField("date the child became looked after")
    child_looked_after_to = GovukDateField("date the child stopped being looked after")

    class Meta:
        model = Referral
        fields = [
            "child_on_register",
            "child_registered_from",
            "child_registered_to",
            "sibling_on_register",
            "child_looked_after",
            "child_looked_after_from",
            "child_looked_after_to",
            "sibling_looked_after",
        ]
        labels = {
            "child_on_register": "Is or was the child on a Trust's child protection register?",
            "sibling_on_register": "Is or was a sibling on a Trust's child protection register?",
            "child_looked_after": "Is or was the child looked after by an authority?",
            "sibling_looked_after": "Is or was a sibling looked after by an authority?",
        }
        widgets = {
            "child_on_register": forms.RadioSelect,
            "sibling_on_register": forms.RadioSelect,
            "child_looked_after": forms.RadioSelect,
            "sibling_looked_after": forms.RadioSelect,
        }


REGULATION_17_LIMBS = [
    ("reg17_harm", "17(2)(a)", "Has the child died or been significantly harmed?"),
    ("reg17_abuse", "17(2)(b)(i)", "Is abuse or neglect of the child known or suspected?"),
    (
        "reg17_register",
        "17(2)(b)(ii)",
        "Is or has the child or a sibling been on a Trust's child protection register?",
    ),
    (
        "reg17_looked_after",
        "17(2)(b)(iii)",
        "Is or has the child or a sibling been looked after by an authority?",
    ),
    (
        "reg17_concerns",
        "17(2)(c)",
        "Are there concerns about how well a member agency safeguarded the child?",
    ),
    (
        "reg17_learning",
        "17(3)",
        "Did agencies work effectively, with outstanding positive learning for Northern Ireland?",
    ),
]


class Regulation17Form(SectionForm):
    class Meta:
        model = Referral
        fields = [name for limb, _, _ in REGULATION_17_LIMBS for name in (limb, f"{limb}_note")]
        widgets = {limb: forms.RadioSelect for limb, _, _ in REGULATION_17_LIMBS}
        labels = {
            **{limb: f"{ref}: {question}" for limb, ref, question in REGULATION_17_LIMBS},
            **{f"{limb}_note": f"Note on {ref} (optional)" for limb, ref, _ in REGULATION_17_LIMBS},
        }

    def layout(self) -> list[Any]:
        return [
            Fieldset(self.field_layout(limb), self.field_layout(f"{limb}_note"), legend=reference)
            for limb, reference, _ in REGULATION_17_LIMBS
        ]


class NotifierForm(SectionForm):
    class Meta:
        model = Referral
        fields = [
            "notifier_name",
            "notifier_role",
            "notifier_email",
            "notifier_phone",
            "sai_reference",
        ]
        labels = {
            "notifier_name": "Notifying officer's full name",
            "notifier_role": "Their role",
            "notifier_email": "Their email address",
            "notifier_phone": "Their telephone number (optional)",
            "sai_reference": "Serious Adverse Incident reference (optional)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notifier_email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
        # GOV.UK's email address pattern: no spellcheck, the browser may fill it in.
        self.fields["notifier_email"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false"}
        )
        self.fields["notifier_phone"].widget = forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel"}
        )


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    form: type[SectionForm]

    @property
    def fields(self) -> list[str]:
        return list(self.form._meta.fields or [])

    def state(self, referral: Referral) -> str:
        """Completed, in progress or not started, from what the referral holds."""
        required = [name for name in self.fields if name in REQUIRED_AT_SUBMISSION]
        if self.slug == "child":
            required.append("child_date_of_birth_or_age")
        answered = [name for name in required if _answered(referral, name)]
        if required and len(answered) == len(required):
            return "Completed"
        if answered or any(_answered(referral, name) for name in self.fields):
            return "In progress"
        return "Not started"


def _answered(referral: Referral, name: str) -> bool:
    if name == "child_date_of_birth_or_age":
        return referral.child_date_of_birth is not None or referral.child_estimated_age is not None
    return getattr(referral, name) not in (None, "")


SECTIONS = [
    Section("child", "The child", ChildForm),
    Section("event", "What happened", EventForm),
    Section("legal-status", "Legal status", LegalStatusForm),
    Section("regulation-17", "Regulation 17", Regulation17Form),
    Section("notifier", "Notifying officer", NotifierForm),
]
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def answers(referral: Referral) -> list[tuple[Any, list[tuple[str, str]]]]:
    """Each section with its questions and the answers as they will be read. The questions are
    the forms' labels, read from the form classes (no form is built for them)."""
    result = []
    for part in SECTIONS:
        labels = part.form.base_fields
        rows = []
        for name in part.fields:
            value = getattr(referral, name)
            display = getattr(referral, f"get_{name}_display", None)
            shown = display() if display and value else value
            if hasattr(shown, "strftime"):
                shown = shown.strftime("%-d %B %Y")
            rows.append((str(labels[name].label), "" if shown in (None, "") else str(shown)))
        result.append((part, rows))
    return result


assert set(DATE_LABELS) <= {name for section in SECTIONS for name in section.fields}


class SubmitForm(GovukFormMixin, forms.Form):
    declaration = forms.BooleanField(
        label="I confirm that the information in this referral is accurate to the best of my "
        "knowledge, and that it holds only what the SBNI needs.",
        error_messages={"required": "Confirm the declaration to send the referral"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(Field.checkbox("declaration"), button="Send to the SBNI")


class WithdrawForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the panel withdrawing this referral?",
        help_text="Up to 2,000 characters.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the reason for withdrawing the referral",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.textarea("reason", max_characters=2000),
            button=Button.warning("submit", "Withdraw the referral"),
        )


class SiblingForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    date_of_birth = GovukDateField("sibling's date of birth")
    estimated_age = forms.IntegerField(
        label="Estimated age in years, if the date of birth is not known",
        required=False,
        min_value=0,
        max_value=30,
        error_messages={
            "invalid": "Estimated age must be a whole number of years, like 3",
            "min_value": "Estimated age must be 0 or more",
            "max_value": "Estimated age must be 30 or under",
        },
    )

    class Meta:
        model = Sibling
        fields = ["initials", "date_of_birth", "estimated_age", "gender"]
        labels = {"initials": "Sibling's initials", "gender": "Gender (optional)"}
        widgets = {"gender": forms.RadioSelect}
        error_messages = {
            "initials": {
                "required": "Enter the sibling's initials",
                "max_length": "Sibling's initials must be 5 characters or fewer",
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gender"].required = False
        self.helper = govuk_helper(
            "initials",
            Field("date_of_birth"),
            "estimated_age",
            Field.radios("gender", legend_size=Size.SMALL, inline=True),
            button="Add the sibling",
        )

    def clean_date_of_birth(self) -> datetime.date | None:
        born: datetime.date | None = self.cleaned_data["date_of_birth"]
        if born is not None and born > datetime.date.today():
            raise ValidationError("The sibling's date of birth must be today or in the past")
        return born


class AgencyInvolvementForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    involved_from = GovukDateField("date the agency's involvement began")
    involved_to = GovukDateField("date the agency's involvement ended")

    class Meta:
        model = AgencyInvolvement
        fields = ["agency", "nature", "involved_from", "involved_to"]
        labels = {"agency": "Agency", "nature": "What the agency's involvement was"}
        error_messages = {
            "agency": {"required": "Select the agency"},
            "nature": {
                "required": "Enter what the agency's involvement was",
                "max_length": "What the agency's involvement was must be 2000 characters or fewer",
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        agency.queryset = Agency.objects.filter(active=True)  # type: ignore[attr-defined]
        agency.empty_label = "Select an agency"  # type: ignore[attr-defined]
        self.fields["nature"].help_text = "Up to 2,000 characters."
        self.helper = govuk_helper(
            Field.select("agency"),
            Field.textarea("nature", max_characters=2000),
            Field("involved_from"),
            Field("involved_to"),
            button="Add the agency",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        began, ended = cleaned.get("involved_from"), cleaned.get("involved_to")
        today = datetime.date.today()
        for name, value in (("involved_from", began), ("involved_to", ended)):
            if value is not None and value > today and name not in self.errors:
                self.add_error(name, "The date must be today or in the past")
        if began and ended and ended < began and "involved_to" not in self.errors:
            self.add_error("involved_to", "The end of the involvement must be after its start")
        return cleaned


class DocumentForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Upload a file",
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "Select a file",
        },
    )
    description = forms.CharField(
        label="What the document is (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "What the document is must be 200 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = megabytes(settings.DOCUMENT_MAX_BYTES)
        self.fields["file"].help_text = f"A {ACCEPTED_NAMES} file, smaller than {limit}."
        self.helper = govuk_helper(Field("file"), "description", button="Upload the document")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except DocumentRefused as refused:
            raise ValidationError(str(refused)) from refused
        return upload


class InformationRequestForm(GovukFormMixin, forms.Form):
    question = forms.CharField(
        label="What does the SBNI need to know?",
        help_text="Up to 2,000 characters. The panel sees this on the referral.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter the question for the panel",
            "max_length": "The question must be 2000 characters or fewer",
        },
    )
    due_date = GovukDateField("date the answer is due", required=True, years_back=0, years_ahead=1)

    def __init__(self, *args: Any, suggested_due: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        due = self.fields["due_date"]
        due.help_text = f"The usual timescale gives {suggested_due.day} {suggested_due:%B %Y}."
        due.initial = suggested_due
        self.helper = govuk_helper(
            Field.textarea("question", max_characters=2000),
            Field("due_date"),
            button="Send the question",
        )

    def clean_due_date(self) -> datetime.date:
        due: datetime.date = self.cleaned_data["due_date"]
        if due <= datetime.date.today():
            raise ValidationError("The date the answer is due must be in the future")
        return due


class EventDateFilterForm(GovukFormMixin, forms.Form):
    """The referral list's filter by the date of the event (a GET form; both dates optional)."""

    event_from = GovukDateField(
        "earliest date of the event", label="Event on or after", help_text="For example, 27 3 2025"
    )
    event_to = GovukDateField(
        "latest date of the event", label="Event on or before", help_text="For example, 30 4 2025"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        began, ended = cleaned.get("event_from"), cleaned.get("event_to")
        if began and ended and ended < began:
            self.add_error(
                "event_to",
                f"The latest date of the event must be the same as or after {long_date(began)}",
            )
        return cleaned


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Any number of files, each one checked as DocumentForm checks one."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=MultipleFileInput(attrs={"multiple": True}), **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(DocumentsField, self).clean(upload, initial) for upload in uploads]
        for upload in cleaned:
            try:
                check_upload(upload)
            except DocumentRefused as refused:
                raise ValidationError(f"{upload.name}: {refused}") from refused
        return cleaned


class AnswerForm(GovukFormMixin, forms.Form):
    answer = forms.CharField(
        label="The panel's answer",
        help_text="Up to 5,000 characters.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Enter the panel's answer",
            "max_length": "The answer must be 5000 characters or fewer",
        },
    )
    documents = DocumentsField(
        label="Documents (optional)",
        required=False,
        error_messages={"empty": "A selected file is empty"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = megabytes(settings.DOCUMENT_MAX_BYTES)
        self.fields["documents"].help_text = (
            f"You can choose several files. Each a {ACCEPTED_NAMES} file, smaller than {limit}. "
            "If your answer has an error, choose the files again."
        )
        self.helper = govuk_helper(
            Field.textarea("answer", max_characters=5000),
            Field("documents"),
            button="Send the answer",
        )
