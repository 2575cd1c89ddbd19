"""Forms for the SBNI's consideration: CMR Panel meetings, recommendations and decisions."""

import datetime
from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.db.models import Q, QuerySet

from cmr_portal.kernel.forms import GovukDateField, GovukFormMixin, govuk_helper, long_text
from panels.models import User
from referrals.consideration import DecisionValues
from referrals.forms import REGULATION_17_LIMBS
from referrals.models import (
    Attendance,
    Decision,
    LearningRoute,
    Outcome,
    Recommendation,
    Referral,
    Regulation17,
)


def learning_route_field() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label="Another learning route (optional)",
        help_text="Only when a CMR is not required.",
        queryset=LearningRoute.objects.filter(active=True),
        required=False,
        empty_label="None",
    )


def offer_route(form: forms.BaseForm, kept: LearningRoute | None) -> None:
    """Offer a retired route too where the record holds it, so that saving never drops it."""
    if kept is not None:
        field = form.fields["learning_route"]
        field.queryset = LearningRoute.objects.filter(  # type: ignore[attr-defined]
            Q(active=True) | Q(pk=kept.pk)
        )


def departure_field() -> forms.CharField:
    """The reason for departing from the regulation 17 indicator: asked always, needed only
    where the outcome departs from it (``OutcomeMixin.clean``)."""
    return long_text(
        "Reason for departing from the indicator (if the outcome departs from it)",
        2000,
        name="The reason for departing from the indicator",
    )


class OutcomeMixin:
    """The outcome, the learning route that goes only with 'CMR not required', and the reason
    for departing from the regulation 17 indicator, needed exactly when the outcome departs
    from it (``Regulation17.departure``). ``indicator`` is the referral's assessment."""

    indicator: Regulation17

    def follow(self, referral: Referral) -> None:
        """Take the referral's indicator, and say it beside the reason's field."""
        self.indicator = referral.regulation_17
        self.fields["departure_reason"].help_text = (  # type: ignore[attr-defined]
            f"The panel's answers, as the portal assesses them: {self.indicator.label.lower()}. "
            "If the outcome is not the one they indicate, say why. Up to 2,000 characters."
        )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        route, outcome = cleaned.get("learning_route"), cleaned.get("outcome")
        if route is not None and outcome and outcome != Outcome.NOT_REQUIRED:
            self.add_error(  # type: ignore[attr-defined]
                "learning_route", "Choose another learning route only when a CMR is not required"
            )
        reason = cleaned.get("departure_reason", "").strip()
        departure = self.indicator.departure(outcome) if outcome else None
        if departure and not reason:
            self.add_error(  # type: ignore[attr-defined]
                "departure_reason",
                f"{departure} Enter the reason for departing from the indicator",
            )
        elif outcome and reason and not departure:
            self.add_error(  # type: ignore[attr-defined]
                "departure_reason",
                "The outcome follows the indicator, so there is no departure to explain. "
                "Delete the reason for departing, or choose another outcome",
            )
        cleaned["departure_reason"] = reason
        return cleaned


class MeetingForm(GovukFormMixin, forms.Form):
    date = GovukDateField("date of the meeting", required=True, years_back=2, years_ahead=2)
    place = forms.CharField(
        label="Where (optional)",
        help_text="A room, or say that it is a video call.",
        max_length=200,
        required=False,
        error_messages={"max_length": "Where must be 200 characters or fewer"},
    )
    notice_given_on = GovukDateField("date notice of business was given", years_back=2)

    def __init__(self, *args: Any, with_notice: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items: list[Any] = [Field("date"), "place"]
        if with_notice:
            self.fields[
                "notice_given_on"
            ].help_text = (
                "When the agenda and papers went to the members. Leave it empty until then."
            )
            items.append(Field("notice_given_on"))
        else:
            del self.fields["notice_given_on"]
        self.helper = govuk_helper(*items, button="Save the meeting")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date, given = cleaned.get("date"), cleaned.get("notice_given_on")
        if given is not None and "notice_given_on" not in self.errors:
            if given > datetime.date.today():
                self.add_error(
                    "notice_given_on", "The date notice was given must not be in the future"
                )
            elif date is not None and given >= date:
                self.add_error(
                    "notice_given_on", "The date notice was given must be before the meeting"
                )
        return cleaned


class AgendaForm(GovukFormMixin, forms.Form):
    referral = forms.ModelChoiceField(
        label="Referral",
        queryset=Referral.objects.none(),
        empty_label="Select a referral",
        error_messages={"required": "Select the referral to add"},
    )

    def __init__(self, *args: Any, referrals: QuerySet[Referral], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["referral"]
        field.queryset = referrals  # type: ignore[attr-defined]
        field.help_text = "Referrals acknowledged by the SBNI that wait for the CMR Panel."
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda referral: (
                f"{referral.reference} ({referral.panel.name}, sent "
                f"{referral.submitted_at:%d %B %Y})"
            )
        )
        self.helper = govuk_helper(Field.select("referral"), button="Add to the agenda")


class AttendanceForm(GovukFormMixin, forms.Form):
    """One question for each member of the CMR Panel."""

    def __init__(
        self,
        *args: Any,
        members: QuerySet[User],
        recorded: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = {f"member_{member.pk}": member for member in members}
        for name, member in self.members.items():
            self.fields[name] = forms.ChoiceField(
                label=member.full_name + (f", {member.job_title}" if member.job_title else ""),
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                initial=recorded.get(member.pk),
                error_messages={"required": f"Say whether {member.full_name} attended"},
            )
        self.helper = govuk_helper(
            *(Field.radios(name, legend_size=Size.SMALL, inline=True) for name in self.members),
            button="Save attendance",
        )

    def statuses(self) -> dict[User, str]:
        return {member: self.cleaned_data[name] for name, member in self.members.items()}


class DeclarationForm(GovukFormMixin, forms.Form):
    member = forms.ModelChoiceField(
        label="Member",
        queryset=User.objects.none(),
        empty_label="Select a member",
        error_messages={"required": "Select the member who declared an interest"},
    )
    interest = long_text("The interest", 1000, required="Enter the interest declared")
    took_part = forms.TypedChoiceField(
        label="Did the member take part in the discussion of this referral?",
        choices=[("yes", "Yes"), ("no", "No, they left for this item")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the member took part in the discussion"},
    )

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        self.helper = govuk_helper(
            Field.select("member"),
            Field.textarea("interest", max_characters=1000),
            Field.radios("took_part", legend_size=Size.SMALL),
            button="Record the declaration",
        )


class RecommendationForm(OutcomeMixin, GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    learning_route = learning_route_field()
    rationale = long_text("The rationale", 5000, required="Enter the rationale")
    departure_reason = departure_field()
    dissent = long_text("Dissent (optional)", 2000, name="Dissent")

    class Meta:
        model = Recommendation
        fields = [
            "harm",
            "abuse",
            "register",
            "looked_after",
            "concerns",
            "learning",
            "outcome",
            "learning_route",
            "rationale",
            "departure_reason",
            "dissent",
        ]
        widgets = dict.fromkeys(
            ["harm", "abuse", "register", "looked_after", "concerns", "learning", "outcome"],
            forms.RadioSelect,
        )
        labels = {
            limb.removeprefix("reg17_"): f"{reference}: {question}"
            for limb, reference, question in REGULATION_17_LIMBS
        }

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        # The panel's answers are where the CMR Panel starts.
        initial = {
            limb.removeprefix("reg17_"): getattr(referral, limb)
            for limb, _, _ in REGULATION_17_LIMBS
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.follow(referral)
        for limb, reference, _ in REGULATION_17_LIMBS:
            self.fields[limb.removeprefix("reg17_")].error_messages["required"] = (
                f"Give the CMR Panel's view of {reference}"
            )
        outcome = self.fields["outcome"]
        outcome.label = "What does the CMR Panel recommend?"
        outcome.error_messages["required"] = "Select what the CMR Panel recommends"
        self.fields["dissent"].help_text = "Who disagreed, and why. Up to 2,000 characters."
        self.helper = govuk_helper(
            Fieldset(
                *(
                    Field.radios(limb.removeprefix("reg17_"), legend_size=Size.SMALL, inline=True)
                    for limb, _, _ in REGULATION_17_LIMBS
                ),
                legend="Regulation 17: the CMR Panel's view",
                legend_size=Size.MEDIUM,
            ),
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.select("learning_route"),
            Field.textarea("rationale", max_characters=5000),
            Field.textarea("departure_reason", max_characters=2000),
            Field.textarea("dissent", max_characters=2000),
            button="Record the recommendation",
        )


class DecisionForm(OutcomeMixin, GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Is a Case Management Review required?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your decision"},
    )
    learning_route = learning_route_field()
    reasons = long_text("Your reasons", 5000, required="Enter the reasons for your decision")
    departure_reason = departure_field()
    amendment_reason = long_text(
        "Why is the decision amended?",
        2000,
        required="Enter the reason for the amendment",
        name="The reason for the amendment",
    )

    def __init__(
        self, *args: Any, referral: Referral, amending: Decision | None = None, **kwargs: Any
    ) -> None:
        """``referral``: the referral decided on; ``amending``: the current decision, when the
        form amends it."""
        super().__init__(*args, **kwargs)
        self.follow(referral)
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        if amending:
            outcome.choices = [
                choice for choice in Outcome.choices if choice[0] != Outcome.MORE_INFORMATION
            ]
            offer_route(self, amending.learning_route)
        else:
            del self.fields["amendment_reason"]
            outcome.help_text = (
                "More information sends the referral back to the SBNI officers; say in your "
                "reasons what is needed."
            )
        self.helper = govuk_helper(
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.select("learning_route"),
            Field.textarea("reasons", max_characters=5000),
            Field.textarea("departure_reason", max_characters=2000),
            *([Field.textarea("amendment_reason", max_characters=2000)] if amending else []),
            button="Amend the decision" if amending else "Record the decision",
        )

    def values(self) -> DecisionValues:
        data = self.cleaned_data
        return DecisionValues(
            data["outcome"], data["reasons"], data["learning_route"], data["departure_reason"]
        )
