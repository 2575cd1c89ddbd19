"""Analysis and findings: the sections, saved by form or as the writer types, previewed, their
history and restoring an earlier version, and comments."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmr_portal.kernel.audit.history import differences
from panels.access import signed_in_user
from referrals.workflow import ReferralError
from reviews import drafting, services
from reviews.forms import CommentForm
from reviews.models import FindingSection
from reviews.views.common import get_review_for, viewed


@require_GET
def findings(request: HttpRequest, review_uuid: str) -> HttpResponse:
    review = get_review_for(request, review_uuid)
    viewed(request, review, "the findings")
    sections = review.sections.select_related("updated_by").annotate(
        comment_count=Count("comments")
    )
    return render(request, "reviews/findings.html", {"review": review, "sections": sections})


def get_section_for(
    request: HttpRequest, review_uuid: str, key: str, *, to_draft: bool = False
) -> FindingSection:
    """A findings section the user may see, or (``to_draft``) that the user is on the team to
    draft; 404 otherwise. Whether drafting is still open is the service's to say, so that a
    writer whose review moved on keeps their text."""
    review = get_review_for(request, review_uuid)
    section = review.sections.filter(key=key).select_related("updated_by").first()
    user = signed_in_user(request)
    if section is None or (to_draft and not user.has_perm("reviews.draft_review", review)):
        raise Http404
    section.review = review
    return section


def section_page(
    request: HttpRequest,
    section: FindingSection,
    *,
    text: str,
    conflict: drafting.DraftConflict | None = None,
    comment_form: CommentForm | None = None,
    unsaved: tuple[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """``unsaved``: why a text was not saved, and the text, shown for the writer to copy."""
    user = signed_in_user(request)
    return render(
        request,
        "reviews/section.html",
        {
            "review": section.review,
            "section": section,
            "text": text,
            "conflict": conflict,
            "editable": services.can_draft(user, section.review),
            "rendered": section.rendered,
            "comments": section.comments.select_related("author"),
            "comment_form": comment_form or CommentForm(),
            "can_comment": user.has_perm("reviews.see_review", section.review),
            "unsaved": unsaved,
        },
        status=status,
    )


def base_version(request: HttpRequest) -> int:
    """The version the text was based on; an "overwrite" says the writer chose their text."""
    try:
        return int(request.POST.get("overwrite") or request.POST.get("base_version", ""))
    except ValueError:
        return -1


def sent_from(request: HttpRequest) -> tuple[str, int]:
    """The page that sent a save and its count of edits (portal.mjs), or ("", 0) for a form
    posted without them (no script) or with values no page of ours sends."""
    page, edit = request.POST.get("page", ""), request.POST.get("edit", "")
    if not (
        0 < len(page) <= drafting.PAGE_ID_LENGTH
        and page.isascii()
        and page.isalnum()
        and edit.isascii()
        and edit.isdigit()
        and 0 < int(edit) <= drafting.MAX_EDIT
    ):
        return "", 0
    return page, int(edit)


@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, review_uuid: str, key: str) -> HttpResponse:
    section = get_section_for(request, review_uuid, key, to_draft=request.method == "POST")
    if request.method == "GET":
        viewed(request, section.review, f"the findings on '{section.get_key_display()}'")
        return section_page(request, section, text=section.text)
    text = request.POST.get("text", "")
    page, edit = sent_from(request)
    try:
        drafting.save_section(
            section,
            text=text,
            base_version=base_version(request),
            by=signed_in_user(request),
            new_entry="overwrite" in request.POST,
            page=page,
            edit=edit,
            request=request,
        )
    except drafting.DraftConflict as conflict:
        return section_page(request, conflict.section, text=text, conflict=conflict, status=409)
    except ReferralError as error:
        return section_page(request, section, text=section.text, unsaved=(str(error), text))
    messages.success(request, "The section is saved.")
    return redirect("reviews:section", review_uuid, key)


@require_POST
def autosave(request: HttpRequest, review_uuid: str, key: str) -> HttpResponse:
    """Saves as the writer types (htmx). Answers with the status line, or the conflict."""
    section = get_section_for(request, review_uuid, key, to_draft=True)
    page, edit = sent_from(request)
    try:
        saved = drafting.save_section(
            section,
            text=request.POST.get("text", ""),
            base_version=base_version(request),
            by=signed_in_user(request),
            page=page,
            edit=edit,
            request=request,
        )
    except drafting.DraftConflict as conflict:
        return render(
            request, "reviews/_conflict.html", {"conflict": conflict, "section": conflict.section}
        )
    except ReferralError as error:
        return HttpResponse(
            f"Not saved: {error} Your text is kept in this browser tab.", content_type="text/plain"
        )
    return render(request, "reviews/_saved.html", {"section": saved})


@require_POST
def preview(request: HttpRequest, review_uuid: str, key: str) -> HttpResponse:
    get_section_for(request, review_uuid, key, to_draft=True)
    text = request.POST.get("text", "")
    if reason := drafting.too_long(text):
        return HttpResponse(format_html('<p class="govuk-error-message">{}</p>', reason))
    return HttpResponse(drafting.render(text))


@require_GET
def section_history(request: HttpRequest, review_uuid: str, key: str) -> HttpResponse:
    section = get_section_for(request, review_uuid, key)
    versions = list(section.versions.select_related("author"))
    chosen = next(
        (v for v in versions if str(v.number) == request.GET.get("version")),
        versions[1] if len(versions) > 1 else None,
    )
    viewed(request, section.review, f"the history of '{section.get_key_display()}'")
    return render(
        request,
        "reviews/section_history.html",
        {
            "review": section.review,
            "section": section,
            "versions": versions,
            "chosen": chosen,
            "differences": differences(chosen.text, section.text) if chosen else [],
            "editable": services.can_draft(signed_in_user(request), section.review),
        },
    )


@require_POST
def restore_version(request: HttpRequest, review_uuid: str, key: str, number: int) -> HttpResponse:
    section = get_section_for(request, review_uuid, key, to_draft=True)
    version = section.versions.filter(number=number).first()
    if version is None:
        raise Http404
    try:
        drafting.restore(
            version, base_version=base_version(request), by=signed_in_user(request), request=request
        )
    except ReferralError as error:
        messages.info(request, str(error))
        return redirect("reviews:section_history", review_uuid, key)
    messages.success(request, f"Version {number} is the current text again.")
    return redirect("reviews:section", review_uuid, key)


@require_POST
def comment(request: HttpRequest, review_uuid: str, key: str) -> HttpResponse:
    section = get_section_for(request, review_uuid, key)
    user = signed_in_user(request)
    if not user.has_perm("reviews.see_review", section.review):
        raise Http404
    form = CommentForm(request.POST)
    if not form.is_valid():
        return section_page(request, section, text=section.text, comment_form=form)
    services.add_comment(section, form.cleaned_data["text"], by=user, request=request)
    messages.success(request, "Your comment is added.")
    return redirect("reviews:section", review_uuid, key)
