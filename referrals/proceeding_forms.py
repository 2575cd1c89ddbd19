"""The forms of parallel proceedings: one to add or change a proceeding (concluding it too),
on the referral's pages and the review's alike, and the reason for lifting an embargo."""

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from cmr_portal.kernel.forms import GovukDateField, GovukFormMixin, govuk_helper, long_text
from referrals.models import Proceeding
from referrals.proceedings import FIELDS, problems

ONLY_WHEN_CONCLUDED = "Only when it has concluded."


class ProceedingForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A proceeding's answers. ``shares``: whether the person may share it with the referring
    panel (an SBNI officer); for anyone else the question is not asked. The rules between the
    answers are the service's (``proceedings.problems``), checked here too so that each
    message stands by its field."""

    started_on = GovukDateField("date it started", label="Started on (optional)")
    next_date = GovukDateField("next key date", label="Next key date (optional)", years_ahead=10)
    concluded_on = GovukDateField("date it concluded", label="Date concluded")
    outcome = forms.CharField(
        label="Outcome, in a sentence",
        help_text=ONLY_WHEN_CONCLUDED,
        max_length=500,
        required=False,
        error_messages={"max_length": "The outcome must be 500 characters or fewer"},
    )
    constraints = long_text("Constraints on the review", 2000)

    class Meta:
        model = Proceeding
        fields = list(FIELDS)
        widgets = {"kind": forms.RadioSelect, "status": forms.RadioSelect}
        labels = {
            "kind": "What kind of proceeding is it?",
            "other_kind": "If other, what kind of process (optional)",
            "status": "Where does it stand?",
            "next_date_what": "What the next key date is (optional)",
            "contact_role": "Contact's role (optional)",
            "contact_organisation": "Contact's organisation (optional)",
            "blocks_publication": "No publication while this is open",
            "shared_with_panel": "Share it with the referring panel",
        }
        help_texts = {
            "next_date_what": "For example, “trial listed” or “inquest hearing”.",
            "blocks_publication": "The publication version can be neither signed off nor made "
            "until this is concluded or an SBNI officer lifts the embargo.",
            "shared_with_panel": "The panel's members then see its kind and constraints on the "
            "case's pages. Without this, only SBNI staff and the review team see it.",
        }
        error_messages = {
            "kind": {"required": "Select the kind of proceeding"},
            "status": {"required": "Select where it stands"},
            "other_kind": {"max_length": "What kind of process must be 100 characters or fewer"},
            "next_date_what": {
                "max_length": "What the next key date is must be 200 characters or fewer"
            },
            "contact_role": {"max_length": "The contact's role must be 150 characters or fewer"},
            "contact_organisation": {
                "max_length": "The contact's organisation must be 150 characters or fewer"
            },
        }

    def __init__(self, *args: Any, shares: bool, button: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["constraints"].help_text = (
            "What it asks of the review, for example “no interviews of witnesses before the "
            "trial”. Up to 2,000 characters."
        )
        self.fields["concluded_on"].help_text = ONLY_WHEN_CONCLUDED
        if not shares:
            del self.fields["shared_with_panel"]
        self.helper = govuk_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            "other_kind",
            Field.radios("status", legend_size=Size.SMALL),
            Field("started_on"),
            Field("next_date"),
            "next_date_what",
            Field("concluded_on"),
            "outcome",
            "contact_role",
            "contact_organisation",
            Field.textarea("constraints", max_characters=2000),
            Field.checkbox("blocks_publication"),
            *([Field.checkbox("shared_with_panel")] if shares else []),
            button=button,
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, message in problems(cleaned).items():
            # A field already refused keeps its own message; one refused here is left out of
            # the model's checks of its constraints, which would repeat it in other words.
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned


class LiftEmbargoForm(GovukFormMixin, forms.Form):
    reason = long_text(
        "Why may publication go ahead while it is open?",
        2000,
        required="Enter the reason for lifting the embargo",
        name="The reason",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.textarea("reason", max_characters=2000), button="Lift the embargo"
        )
