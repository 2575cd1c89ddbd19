"""Forms for signing in (password, reset, second factor) and panel membership."""

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from cmr_portal.kernel.forms import GovukFormMixin, govuk_helper
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


class SignInForm(GovukFormMixin, AuthenticationForm):
    """Sign in with an email address. The error never says whether the account exists."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "Enter a correct email address and password.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = "Email address"
        username.error_messages["required"] = "Enter your email address"
        username.widget = forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "autofocus": True}
        )
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = govuk_helper("username", "password", button="Sign in")


class ResetPasswordForm(GovukFormMixin, PasswordResetForm):
    """Ask for a link to choose a password: the address only. The view queues the email
    (``panels.tasks.send_password_reset``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
        self.helper = govuk_helper("email", button="Send the link")


class NewPasswordForm(GovukFormMixin, SetPasswordForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = ""
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm the new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = govuk_helper("new_password1", "new_password2", button="Change password")
