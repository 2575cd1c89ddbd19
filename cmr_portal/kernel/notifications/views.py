"""The notification centre: a person's notifications, marked read when opened, and their choice
of emails (at once or a daily digest)."""

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmr_portal.kernel.forms import GovukFormMixin, govuk_helper, posted
from cmr_portal.kernel.notifications import services
from cmr_portal.kernel.notifications.models import Notification
from cmr_portal.kernel.pagination import counted_page
from cmr_portal.kernel.words import counted


@require_GET
def centre(request: HttpRequest) -> HttpResponse:
    everything = request.GET.get("show") == "all"
    mine = Notification.objects.filter(recipient_id=request.user.pk)
    shown = mine if everything else mine.filter(read_at__isnull=True)
    return render(
        request,
        "notifications/centre.html",
        {
            "page": counted_page(shown, request.GET.get("page")),
            "everything": everything,
            "query": "show=all" if everything else "",
        },
    )


@require_GET
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark a notification read and go where it points (only ever within the portal)."""
    notification = Notification.objects.filter(
        pk=notification_id, recipient_id=request.user.pk
    ).first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:centre")
    return redirect(notification.url)


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, f"{counted(count, 'notification')} marked as read.")
    return redirect("notifications:centre")


class EmailsForm(GovukFormMixin, forms.Form):
    emails = forms.ChoiceField(
        label="How do you want to be emailed about your notifications?",
        # The user model's own choices: the notifications app names no domain app.
        choices=get_user_model()._meta.get_field("emails").choices or [],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how you want to be emailed",
            "invalid_choice": "Select how you want to be emailed",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "emails"
        ].help_text = "Emails hold only a reference and a link, never details of a case."
        self.helper = govuk_helper(Field.radios("emails", legend_size=Size.MEDIUM), button="Save")


@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = EmailsForm(posted(request), initial={"emails": getattr(user, "emails", "immediate")})
    if request.method == "POST" and form.is_valid():
        services.choose_emails(user, form.cleaned_data["emails"], request=request)
        messages.success(request, "Your choice of emails is saved.")
        return redirect("notifications:centre")
    return render(request, "notifications/settings.html", {"form": form})
