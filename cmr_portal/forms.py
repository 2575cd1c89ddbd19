"""What every form of the portal shares: GOV.UK Frontend layout by crispy-forms-gds."""

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms
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
