"""Forms for panel membership and two-factor sign-in."""

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from cmr_portal.forms import GovukFormMixin, govuk_helper
from panels.models import Membership


def role_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )


class InviteMemberForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={
            "required": "Enter their full name",
            "max_length": "Full name must be 150 characters or fewer",
        },
    )
    role = role_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "email",
            "full_name",
            Field.radios("role", legend_size=Size.SMALL),
            button="Add to the panel",
        )


class ChangeRoleForm(GovukFormMixin, forms.Form):
    role = role_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("role", legend_size=Size.SMALL), button="Change role"
        )


class TwoFactorCodeForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        error_messages={
            "required": "Enter the code",
            "max_length": "The code must be 32 characters or fewer",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, hint: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = hint
        self.helper = govuk_helper("code", button="Continue")

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split())
