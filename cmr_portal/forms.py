"""Forms for the sign-in pages, laid out with GOV.UK Frontend by crispy-forms-gds."""

from collections.abc import Iterator
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.http import HttpRequest, QueryDict


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
    def get_users(self, email: str) -> Iterator[Any]:
        """Every active account with this address, including one invited but never signed in."""
        return iter(get_user_model().objects.filter(email__iexact=email, is_active=True))

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
