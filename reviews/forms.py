"""Forms of the review workspace, laid out with GOV.UK Frontend."""

import datetime
from collections.abc import Iterator
from itertools import groupby
from typing import Any

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from cmr_portal.kernel.documents.services import DocumentRefused, check_upload, megabytes
from cmr_portal.kernel.forms import GovukDateField, GovukFormMixin, govuk_helper, long_text
from panels.models import Agency, User
from referrals.models import Proceeding
from reviews.models import (
    PUBLICATION_CHECKS,
    PURPOSES,
    Action,
    ChronologyEntry,
    FamilyContact,
    FamilyMember,
    FindingSection,
    LearningTheme,
    Review,
    ReviewMember,
)


def checked_file(label: str, *, required: bool = True) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        error_messages={"required": f"Select the {label.lower()}", "empty": "The file is empty"},
    )


def check_files(form: forms.BaseForm, *names: str) -> None:
    """The type and size checks of every upload, as field errors."""
    for name in names:
        upload: UploadedFile | None = form.cleaned_data.get(name)
        if upload is not None:
            try:
                check_upload(upload)
            except DocumentRefused as refused:
                form.add_error(name, str(refused))


def agency_field(label: str = "Agency") -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label=label,
        queryset=Agency.objects.filter(active=True),
        empty_label="Select an agency",
        error_messages={"required": "Select the agency"},
    )


class AppointForm(GovukFormMixin, forms.Form):
    user = forms.ModelChoiceField(
        label="Person",
        queryset=User.objects.none(),
        empty_label="Select a person",
        error_messages={"required": "Select the person to appoint"},
    )
    role = forms.ChoiceField(
        label="Role on the review",
        choices=ReviewMember.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the role"},
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates  # type: ignore[attr-defined]
        self.helper = govuk_helper(
            Field.select("user"), Field.radios("role", legend_size=Size.SMALL), button="Appoint"
        )


class TermsForm(GovukFormMixin, forms.Form):
    period_from = GovukDateField("start of the period in scope", required=True)
    period_to = GovukDateField("end of the period in scope", required=True)
    lines_of_enquiry = long_text(
        "Key lines of enquiry", 5000, required="Enter the key lines of enquiry"
    )
    purposes = forms.MultipleChoiceField(
        label="Which purposes of a CMR does this review serve?",
        choices=PURPOSES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one purpose"},
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies in scope",
        queryset=Agency.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the agencies in scope"},
    )
    agreed_on = GovukDateField("date the terms were agreed", years_back=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].help_text = "Leave it empty while the terms are a draft."
        self.helper = govuk_helper(
            Field("period_from"),
            Field("period_to"),
            Field.textarea("lines_of_enquiry", max_characters=5000),
            Field.checkboxes("purposes", legend_size=Size.SMALL, small=True),
            Field.checkboxes("agencies", legend_size=Size.SMALL, small=True),
            Field("agreed_on"),
            button="Save a new version",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        began, ended = cleaned.get("period_from"), cleaned.get("period_to")
        if began and ended and ended < began:
            self.add_error("period_to", "The end of the period must be after its start")
        agreed = cleaned.get("agreed_on")
        if agreed and agreed > datetime.date.today():
            self.add_error("agreed_on", "The date the terms were agreed must not be in the future")
        return cleaned


class ContactsByAgency(forms.models.ModelChoiceIterator):
    """A contact list as one group per agency, in the order of the queryset (by agency)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for agency, users in groupby(self.queryset, key=lambda user: user.agency):
            yield (str(agency), [self.choice(user) for user in users])


class ContactSelect(forms.Select):
    """A select whose options carry their contact's agency (``data-agency``, the agency's id),
    so that static/js/agency-contacts.mjs can offer only the chosen agency's contacts."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        value = option["value"]
        if isinstance(value, forms.models.ModelChoiceIteratorValue):
            option["attrs"]["data-agency"] = str(value.instance.agency_id)  # type: ignore[attr-defined]
        return option


class ContactField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Agency contacts, grouped by agency, each by name and job title."""

    iterator = ContactsByAgency

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}, {obj.job_title}" if obj.job_title else str(obj.full_name)


class AgencyReportForm(GovukFormMixin, forms.Form):
    """A request for an agency's report. Without JavaScript the contacts are grouped by agency;
    with it, only the chosen agency's are offered. The server refuses a mismatch either way."""

    agency = agency_field()
    contact = ContactField(
        label="Contact at the agency",
        help_text="Only a contact who works for the agency chosen can be asked.",
        queryset=User.objects.filter(agency__isnull=False, agency__active=True, is_active=True)
        .select_related("agency")
        .order_by("agency__name", "full_name", "pk"),
        empty_label="Select a contact",
        error_messages={"required": "Select the contact"},
        widget=ContactSelect(attrs={"data-contacts-of": "id_agency"}),
    )
    asked = long_text("What the agency is asked for", 2000, required="Say what is asked for")
    due_date = GovukDateField("date the report is due", required=True, years_back=0, years_ahead=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.select("agency"),
            Field.select("contact"),
            Field.textarea("asked", max_characters=2000),
            Field("due_date"),
            button="Send the request",
        )

    def clean_due_date(self) -> datetime.date:
        due: datetime.date = self.cleaned_data["due_date"]
        if due <= datetime.date.today():
            raise ValidationError("The date the report is due must be in the future")
        return due

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        agency, contact = cleaned.get("agency"), cleaned.get("contact")
        if agency and contact and contact.agency_id != agency.pk:
            self.add_error("contact", f"Select a contact who works for {agency}")
        return cleaned


class SendReportForm(GovukFormMixin, forms.Form):
    report = checked_file("Agency report")
    chronology = checked_file("Agency chronology (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(Field("report"), Field("chronology"), button="Send")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_files(self, "report", "chronology")
        return cleaned


class ChronologyEntryForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    date = GovukDateField("date of the event", required=True)
    end_date = GovukDateField("end date, if the event lasted more than a day")
    agency = agency_field()
    event = long_text("What happened", 2000, required="Enter what happened")
    notes = long_text("Notes (optional)", 2000, name="Notes")

    class Meta:
        model = ChronologyEntry
        fields = ["date", "end_date", "agency", "event", "source", "significance", "notes"]
        widgets = {"significance": forms.RadioSelect}
        error_messages = {
            "significance": {"required": "Select how significant the event is"},
            "source": {"max_length": "The source document must be 200 characters or fewer"},
        }

    def __init__(self, *args: Any, button: str = "Add the entry", **kwargs: Any) -> None:
        """``button``: the words on the button (adding an entry, or saving a correction)."""
        super().__init__(*args, **kwargs)
        self.fields["source"].help_text = "Which agency record this comes from (optional)."
        self.helper = govuk_helper(
            Field("date"),
            Field("end_date"),
            Field.select("agency"),
            Field.textarea("event", max_characters=2000),
            "source",
            Field.radios("significance", legend_size=Size.SMALL, inline=True),
            Field.textarea("notes", max_characters=2000),
            button=button,
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        began, ended = cleaned.get("date"), cleaned.get("end_date")
        if began and ended and ended < began:
            self.add_error("end_date", "The end date must be on or after the date")
        return cleaned


class ImportForm(GovukFormMixin, forms.Form):
    file = checked_file("Chronology file")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = megabytes(settings.DOCUMENT_MAX_BYTES)
        self.fields[
            "file"
        ].help_text = f"An XLSX file, or a CSV or tab-separated text file, smaller than {limit}."
        self.helper = govuk_helper(Field("file"), button="Check and import")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > settings.DOCUMENT_MAX_BYTES:
            limit = megabytes(settings.DOCUMENT_MAX_BYTES)
            raise ValidationError(f"The file must be smaller than {limit}")
        return upload


class CommentForm(GovukFormMixin, forms.Form):
    text = long_text("Add a comment", 2000, required="Enter your comment", name="The comment")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["rows"] = 3
        self.helper = govuk_helper(
            Field.textarea("text", max_characters=2000), button="Add the comment"
        )


class RecommendationForm(GovukFormMixin, forms.Form):
    text = long_text("The recommendation", 2000, required="Enter the recommendation")
    findings = forms.ModelMultipleChoiceField(
        label="Which findings does it answer?",
        queryset=FindingSection.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the findings it answers"},
    )

    def __init__(self, *args: Any, sections: QuerySet[FindingSection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = sections  # type: ignore[attr-defined]
        self.helper = govuk_helper(
            Field.textarea("text", max_characters=2000),
            Field.checkboxes("findings", legend_size=Size.SMALL, small=True),
            button="Add the recommendation",
        )


class ActionForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    agency = agency_field("Agency that owns the action")
    description = long_text("What the agency will do", 2000, required="Say what will be done")
    due_date = GovukDateField("date the action is due", required=True, years_back=1, years_ahead=3)
    measure = long_text("Measure of success", 1000, required="Say how success will be measured")

    class Meta:
        model = Action
        fields = ["agency", "owner", "description", "due_date", "measure"]
        error_messages = {
            "owner": {
                "required": "Enter the post that owns the action",
                "max_length": "The owner must be 150 characters or fewer",
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.select("agency"),
            "owner",
            Field.textarea("description", max_characters=2000),
            Field("due_date"),
            Field.textarea("measure", max_characters=1000),
            button="Add the action",
        )


class ActionUpdateForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Where is the action now?",
        choices=[c for c in Action.Status.choices if c[0] != Action.Status.VERIFIED],
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the action is"},
    )
    note = long_text("What has happened", 2000, required="Say what has happened")
    evidence = checked_file("Evidence (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("note", max_characters=2000),
            Field("evidence"),
            button="Record the progress",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_files(self, "evidence")
        return cleaned


class StepForm(GovukFormMixin, forms.Form):
    comments = long_text("Comments", 5000, name="The comments")

    def __init__(self, *args: Any, button: str, comments_needed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if comments_needed:
            self.fields["comments"].label = "What needs to change?"
            self.fields["comments"].required = True
            self.fields["comments"].error_messages["required"] = "Say what needs to change"
        else:
            self.fields["comments"].label = "Comments (optional)"
        self.helper = govuk_helper(Field.textarea("comments", max_characters=5000), button=button)


def themes_field(label: str) -> forms.ModelMultipleChoiceField:  # type: ignore[type-arg]
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=LearningTheme.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ThemesForm(GovukFormMixin, forms.Form):
    """The learning themes of the review, and of each of its findings."""

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        self.sections = {f"section_{section.key}": section for section in review.sections.all()}
        initial = {"review": list(review.themes.all())} | {
            name: list(section.themes.all()) for name, section in self.sections.items()
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["review"] = themes_field("Themes of the review as a whole")
        for name, section in self.sections.items():
            self.fields[name] = themes_field(f"Findings: {section.get_key_display()}")
        self.helper = govuk_helper(
            *(
                Field.checkboxes(name, legend_size=Size.SMALL, small=True)
                for name in ["review", *self.sections]
            ),
            button="Save the themes",
        )

    def by_section(self) -> dict[FindingSection, list[LearningTheme]]:
        return {section: self.cleaned_data[name] for name, section in self.sections.items()}


class PseudonymForm(GovukFormMixin, forms.Form):
    original = forms.CharField(
        label="Word or name in the review",
        max_length=100,
        help_text="Such as a first name, a surname, a street or a school.",
        error_messages={
            "required": "Enter the word or name to replace",
            "max_length": "The word or name must be 100 characters or fewer",
        },
    )
    replacement = forms.CharField(
        label="Replace it with",
        max_length=100,
        help_text="Such as Child A, Mother, Sibling 1, the school.",
        error_messages={
            "required": "Enter what replaces it",
            "max_length": "The replacement must be 100 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper("original", "replacement", button="Add the pseudonym")

    def clean_original(self) -> str:
        original: str = self.cleaned_data["original"]
        if not any(char.isalnum() for char in original):
            raise forms.ValidationError("The word or name must have a letter or a number in it")
        return original


class SignOffForm(GovukFormMixin, forms.Form):
    checks = forms.MultipleChoiceField(
        label="Before publication, confirm each of these",
        choices=PUBLICATION_CHECKS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Confirm every check"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.checkboxes("checks", legend_size=Size.MEDIUM), button="Sign off for publication"
        )

    def clean_checks(self) -> list[str]:
        checks: list[str] = self.cleaned_data["checks"]
        if len(checks) < len(PUBLICATION_CHECKS):
            raise ValidationError("Confirm every check")
        return checks


class PauseForm(GovukFormMixin, forms.Form):
    """Why the review's clock stops (it stops today), and the parallel proceeding it waits for,
    if it is one."""

    reason = long_text(
        "Why is the clock paused?", 1000, required="Say why the clock is paused", name="The reason"
    )
    proceeding = forms.ModelChoiceField(
        label="Is the review waiting for a parallel proceeding? (optional)",
        queryset=Proceeding.objects.none(),
        required=False,
        empty_label="No, another reason",
    )

    def __init__(self, *args: Any, proceedings: QuerySet[Proceeding], **kwargs: Any) -> None:
        """``proceedings``: the open parallel proceedings of the review's case, to choose from;
        without any, the question is not asked."""
        super().__init__(*args, **kwargs)
        help_text = "For example, at the police's request until a trial ends."
        self.fields["reason"].help_text = f"{help_text} Up to 1,000 characters."
        self.fields["proceeding"].queryset = proceedings  # type: ignore[attr-defined]
        items: list[Any] = [Field.textarea("reason", max_characters=1000)]
        if proceedings.exists():
            items.append(Field.select("proceeding"))
        else:
            del self.fields["proceeding"]
        self.helper = govuk_helper(*items, button="Pause the clock")


class ExtensionRequestForm(GovukFormMixin, forms.Form):
    """The new due date asked for the step running, and why."""

    new_due = GovukDateField("new due date", required=True, years_back=0, years_ahead=3)
    reason = long_text(
        "Why does the review need more time?",
        2000,
        required="Say why the review needs more time",
        name="The reason",
    )

    def __init__(self, *args: Any, current_due: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_due = current_due
        self.fields["new_due"].help_text = (
            f"It is due on {current_due:%-d %B %Y} now. For example, {current_due.day} "
            f"{current_due.month} {current_due.year + 1}"
        )
        self.helper = govuk_helper(
            Field("new_due"),
            Field.textarea("reason", max_characters=2000),
            button="Ask the CMR Panel chair",
        )

    def clean_new_due(self) -> datetime.date:
        new_due: datetime.date = self.cleaned_data["new_due"]
        if new_due <= self.current_due:
            raise ValidationError(
                f"The new due date must be after {self.current_due:%-d %B %Y}, the date it is "
                "due now"
            )
        return new_due


class ExtensionDecisionForm(GovukFormMixin, forms.Form):
    """The CMR Panel chair's decision on an extension, with reasons either way."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve the extension"), ("refuse", "Refuse the extension")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve or refuse the extension"},
    )
    reason = long_text(
        "Your reasons", 2000, required="Give the reasons for your decision", name="The reasons"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("reason", max_characters=2000),
            button="Record the decision",
        )


class FamilyMemberForm(GovukFormMixin, forms.Form):
    """A family member's entry of the family liaison plan: by role, never by name."""

    role = forms.ChoiceField(
        label="Role in the family",
        choices=[("", "Select a role"), *FamilyMember.Role.choices],
        error_messages={"required": "Select the family member's role"},
    )
    qualifier = forms.CharField(
        label="Qualifier (optional)",
        max_length=40,
        required=False,
        help_text="A role, never a name: such as “maternal” or “older”.",
        error_messages={"max_length": "The qualifier must be 40 characters or fewer"},
    )
    participation = forms.ChoiceField(
        label="Participation",
        choices=FamilyMember.Participation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they take part"},
    )
    not_contacted_reason = long_text(
        "Why they are not to be contacted (only if they are not)",
        1000,
        name="The reason",
    )
    contact = forms.ModelChoiceField(
        label="Their contact in the review team (optional)",
        queryset=ReviewMember.objects.none(),
        required=False,
        empty_label="No one yet",
    )
    arrangements = long_text(
        "How and when they are to be contacted (optional)", 1000, name="How and when"
    )

    def __init__(
        self, *args: Any, team: QuerySet[ReviewMember], button: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = team  # type: ignore[attr-defined]
        self.fields["contact"].label_from_instance = lambda member: member.user.full_name  # type: ignore[attr-defined]
        self.helper = govuk_helper(
            Field.select("role"),
            Field.text("qualifier", field_width=Fluid.ONE_HALF),
            Field.radios("participation", legend_size=Size.SMALL, small=True),
            Field.textarea("not_contacted_reason", max_characters=1000),
            Field.select("contact"),
            Field.textarea("arrangements", max_characters=1000),
            button=button,
        )


class FamilyContactForm(GovukFormMixin, forms.Form):
    """A contact with the family, for the review's log."""

    date = GovukDateField("date of the contact", required=True)
    by = forms.ModelChoiceField(
        label="Who made the contact",
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={"required": "Select who made the contact"},
    )
    members = forms.ModelMultipleChoiceField(
        label="Who in the family",
        queryset=FamilyMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select who in the family the contact was with"},
    )
    method = forms.ChoiceField(
        label="How",
        choices=FamilyContact.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the contact was made"},
    )
    purpose = forms.ChoiceField(
        label="Purpose",
        choices=FamilyContact.Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the purpose of the contact"},
    )
    shared = long_text("What was shared (optional)", 2000, name="What was shared")
    wishes = long_text(
        "The family's wishes or response (optional)", 2000, name="The family's wishes"
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[User],
        family: QuerySet[FamilyMember],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["by"].queryset = people  # type: ignore[attr-defined]
        self.fields["by"].label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]
        self.fields["members"].queryset = family  # type: ignore[attr-defined]
        self.helper = govuk_helper(
            Field("date"),
            Field.select("by"),
            Field.checkboxes("members", legend_size=Size.SMALL, small=True),
            Field.radios("method", legend_size=Size.SMALL, small=True),
            Field.radios("purpose", legend_size=Size.SMALL, small=True),
            Field.textarea("shared", max_characters=2000),
            Field.textarea("wishes", max_characters=2000),
            button="Record the contact",
        )

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError("The date of the contact must be today or in the past")
        return date


class ShareContactForm(GovukFormMixin, forms.Form):
    """An SBNI officer's choice: whether the referring panel sees the family's contact."""

    shared = forms.TypedChoiceField(
        label="Tell the referring panel the name of the family's contact in the review team?",
        choices=[("yes", "Yes, show it on the review's progress page"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes or no"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("shared", legend_size=Size.SMALL, small=True), button="Save the choice"
        )
