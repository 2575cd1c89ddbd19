"""The pages of a referral's parallel proceedings, shown on the referral (for SBNI staff) and on
its review (for the review's people) alike: one form, one set of templates, one service per
change. The views of each app find the case and say who may do what (``Case``); these
functions do the rest. The reviews app imports this module, never the referrals' views."""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cmr_portal.kernel.audit.services import record
from cmr_portal.kernel.forms import posted
from panels.access import signed_in_user
from referrals import proceedings
from referrals.models import Proceeding, Referral
from referrals.proceeding_forms import LiftEmbargoForm, ProceedingForm


@dataclass(frozen=True)
class Case:
    """Where the pages are shown, and what the person may do there."""

    referral: Referral
    base: str  # the address of the list; a proceeding's page is below it
    heading: str  # the template of the heading the case's pages share
    context: dict[str, Any]  # what that heading needs: the referral, or the review
    back: tuple[str, str]  # the address and the words of the back link
    where: str  # the case as the audit trail names it: "referral BEL-2026-0001"
    may_keep: bool  # adds and changes proceedings
    leads_review: bool = False  # as the lead reviewer of the case's review


def _viewed(request: HttpRequest, case: Case, what: str) -> None:
    record(
        proceedings.VIEWED,
        actor=signed_in_user(request),
        target=case.referral,
        summary=f"Viewed {what} of {case.where}",
        request=request,
    )


def _refused(form: ProceedingForm | LiftEmbargoForm, error: proceedings.ProceedingError) -> None:
    """A refusal by the service, on the form: each problem by its field, or the message."""
    if isinstance(error, proceedings.ProceedingRefused):
        for name, message in error.problems.items():
            form.add_error(name if name in form.fields else None, message)
    else:
        form.add_error(None, str(error))


def _render(request: HttpRequest, template: str, case: Case, **context: Any) -> HttpResponse:
    return render(request, template, {**case.context, "case": case, **context})


def _kept(
    request: HttpRequest,
    case: Case,
    form: ProceedingForm,
    save: Callable[[dict[str, Any]], Proceeding],
) -> HttpResponse | None:
    """The proceeding form sent by someone who keeps them: saved by ``save`` (one service),
    then back to the list saying so; None where the form or the service refused it."""
    if not case.may_keep:
        raise Http404
    if form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except proceedings.ProceedingError as error:
            _refused(form, error)
        else:
            done = "recorded" if form.instance.pk is None else "saved"
            messages.success(
                request, f"{saved.name}: {'concluded' if not saved.is_open else done}."
            )
            return redirect(case.base)
    return None


def proceedings_page(request: HttpRequest, case: Case) -> HttpResponse:
    """Every proceeding of the case, and the form to add one for those who keep them."""
    user = signed_in_user(request)
    form = ProceedingForm(
        posted(request), shares=proceedings.may_share(user), button="Add the proceeding"
    )
    if request.method == "POST":
        kept = _kept(
            request,
            case,
            form,
            lambda values: proceedings.add_proceeding(
                case.referral,
                values,
                by=user,
                leads_review=case.leads_review,
                request=request,
            ),
        )
        if kept is not None:
            return kept
    else:
        _viewed(request, case, "the proceedings")
    return _render(
        request,
        "referrals/proceedings.html",
        case,
        proceedings=case.referral.proceedings.select_related("embargo_lifted_by"),
        form=form if case.may_keep else None,
    )


def _proceeding(case: Case, proceeding_uuid: str) -> Proceeding:
    found = (
        case.referral.proceedings.select_related("embargo_lifted_by", "added_by")
        .filter(uuid=proceeding_uuid)
        .first()
    )
    if found is None:
        raise Http404
    return found


def proceeding_page(request: HttpRequest, case: Case, proceeding_uuid: str) -> HttpResponse:
    """One proceeding: its answers, changed or concluded by those who keep them while it is
    open; a concluded one is kept as it was."""
    user = signed_in_user(request)
    proceeding = _proceeding(case, proceeding_uuid)
    # A copy: what was typed must not show as saved where the form is refused.
    form = ProceedingForm(
        posted(request),
        instance=copy.copy(proceeding),
        shares=proceedings.may_share(user),
        button="Save the changes",
    )
    if request.method == "POST":
        kept = _kept(
            request,
            case,
            form,
            lambda values: proceedings.change_proceeding(
                proceeding,
                values,
                by=user,
                leads_review=case.leads_review,
                request=request,
            ),
        )
        if kept is not None:
            return kept
    else:
        _viewed(request, case, f"the {proceeding.phrase}")
    return _render(
        request,
        "referrals/proceeding.html",
        case,
        proceeding=proceeding,
        # A concluded one is kept as it was: the form only to say why a change was refused.
        form=form if case.may_keep and (proceeding.is_open or form.errors) else None,
        may_lift=proceedings.may_share(user) and proceeding.holds_publication,
    )


def lift_embargo_page(request: HttpRequest, case: Case, proceeding_uuid: str) -> HttpResponse:
    """An SBNI officer lets publication go ahead while the proceeding is open, with a reason."""
    user = signed_in_user(request)
    if not proceedings.may_share(user):
        raise Http404
    proceeding = _proceeding(case, proceeding_uuid)
    here = f"{case.base}{proceeding.uuid}/"
    form = LiftEmbargoForm(posted(request))
    if request.method == "GET" and not proceeding.holds_publication:
        messages.info(request, f"The {proceeding.phrase} holds no publication back now.")
        return redirect(here)
    if request.method == "POST" and form.is_valid():
        try:
            proceedings.lift_embargo(
                proceeding, reason=form.cleaned_data["reason"], by=user, request=request
            )
        except proceedings.ProceedingError as error:
            _refused(form, error)
        else:
            messages.success(request, f"The embargo of the {proceeding.phrase} is lifted.")
            return redirect(here)
    if request.method == "GET":
        _viewed(request, case, f"the embargo of the {proceeding.phrase}")
    return _render(request, "referrals/lift_embargo.html", case, proceeding=proceeding, form=form)
