"""Who gets what, for every URL pattern of the project, for every persona, for GET and POST.

Each pattern must declare its expectations here: a new URL without them fails
``test_every_url_pattern_declares_its_expectations``. The outcomes:

- OK: the page or the action (2xx, or a redirect that is not to sign-in);
- SIGN_IN: sent to sign in;
- NOT_FOUND: 404, exactly as for a record that does not exist;
- NOT_ALLOWED: 405, the method is not accepted;
- ADMIN: the admin site answers, and its model permissions decide (OK, 403, or 405).
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from pytest_django.fixtures import Settings

from cmr_portal.kernel.documents.services import store_generated, store_upload
from panels.models import Agency, Panel, SbniRole
from referrals import notices, proceedings, services
from referrals.models import AgencyInvolvement, Proceeding, Referral, Sibling
from reviews import publishing, timescales
from reviews import services as review_services
from reviews.models import (
    PUBLICATION_CHECKS,
    Action,
    ActionUpdate,
    AgencyReport,
    ChronologyEntry,
    ChronologyImport,
    ReportExport,
    Review,
)
from tests import files
from tests.conftest import Personas, sign_in
from tests.referrals import flow
from tests.reviews import flow as review_flow
from tests.urls import Pattern, all_patterns

OK, SIGN_IN, NOT_FOUND, NOT_ALLOWED, ADMIN = "ok", "sign-in", "404", "405", "admin"
FORBIDDEN = "403"

PERSONAS = [
    "anonymous",
    "belfast_member",
    "belfast_chair",
    "western_member",
    "sbni_officer",
    "cmr_panel_chair",
    "sbni_chair",
    "lead_reviewer",
    "reviewer",
    "agency_contact",
    "admin",
    # A superuser with no role, and a staff user granted every model-wide permission of the
    # panels, referrals and reviews apps in the admin: the admin site, and no case.
    "superuser",
    "all_permissions",
]
SIGNED_IN = PERSONAS[1:]
ADMINISTRATORS = ["admin", "superuser", "all_permissions"]

Outcomes = dict[str, tuple[str, str]]  # persona -> (GET outcome, POST outcome)


def signed_in(get: str, post: str) -> Outcomes:
    """Anonymous visitors are sent to sign in; every signed-in persona gets get/post."""
    return {"anonymous": (SIGN_IN, SIGN_IN)} | dict.fromkeys(SIGNED_IN, (get, post))


def only(
    allowed: list[str], get: str, post: str, others: tuple[str, str] = (NOT_FOUND, NOT_FOUND)
) -> Outcomes:
    """Only the personas named get get/post; everyone else signed in gets ``others`` (404)."""
    outcomes = signed_in(*others)
    outcomes.update(dict.fromkeys(allowed, (get, post)))
    return outcomes


def open_to_all(get: str, post: str) -> Outcomes:
    return dict.fromkeys(PERSONAS, (get, post))


@dataclass
class Expect:
    outcomes: Outcomes
    # A real record where the pattern needs one: the personas, and a Belfast draft referral.
    url: Callable[[Personas, Referral], str] | None = None
    note: str = field(default="")


def admin_url(route: str, people: Personas) -> str:
    """A URL of the admin site, about a real record of the model the route names."""
    parts = route.removeprefix("admin/").split("/")
    record_pk = 999999  # no such record: the admin says so itself
    if "<path:content_type_id>" in route:
        record_pk = people.belfast.pk
    elif parts[0] in {config.label for config in apps.get_app_configs()}:
        first = apps.get_model(parts[0], parts[1])._default_manager.order_by("pk").first()
        record_pk = first.pk if first is not None else record_pk
    values = {
        "content_type_id": ContentType.objects.get_for_model(Panel).pk,
        "object_id": record_pk,
        "object_pk": record_pk,
        "pk": record_pk,
        "id": record_pk,
        "user_id": people.belfast_member.pk,
        "group_id": Group.objects.get(name=SbniRole.SBNI_OFFICER).pk,
    }
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[str(match[1])]), route)


def belfast_member_url(name: str) -> Callable[[Personas, Referral], str]:
    def build(people: Personas, draft: Referral) -> str:
        membership = people.membership(people.belfast_member)
        return f"/panels/BEL/members/{membership.uuid}/{name}/"

    return build


def referral_url(rest: str) -> Callable[[Personas, Referral], str]:
    return lambda people, draft: f"/referrals/{draft.uuid}/{rest}"


BELFAST_MANAGERS = ["belfast_chair"]
PANEL_MEMBERS = ["belfast_member", "belfast_chair", "western_member"]
SBNI_STAFF = ["sbni_officer", "cmr_panel_chair", "sbni_chair"]
BELFAST_MEMBERS = ["belfast_member", "belfast_chair"]
MEETING_RUNNERS = ["sbni_officer", "cmr_panel_chair"]


def item_url(rest: str) -> Callable[[Personas, Referral], str]:
    """A URL about a referral on the agenda of a CMR Panel meeting held today."""

    def build(people: Personas, draft: Referral) -> str:
        item = flow.on_agenda(people)
        return f"/referrals/meetings/{item.meeting.uuid}/{rest.format(item=item.uuid)}"

    return build


def decided_url(rest: str) -> Callable[[Personas, Referral], str]:
    def build(people: Personas, draft: Referral) -> str:
        return f"/referrals/{flow.decided(people).referral.uuid}/{rest}"

    return build


REVIEWERS = ["lead_reviewer", "reviewer"]
REVIEW_PEOPLE = [*SBNI_STAFF, *REVIEWERS]


def split(get: list[str], post: list[str], *, post_only: bool = False) -> Outcomes:
    """GET for ``get``, POST for ``post``; a 404 for anyone else signed in. ``post_only``: the
    URL takes POST alone, so every GET is 405."""
    outcomes = signed_in(NOT_ALLOWED if post_only else NOT_FOUND, NOT_FOUND)
    for persona in SIGNED_IN:
        outcomes[persona] = (
            NOT_ALLOWED if post_only else OK if persona in get else NOT_FOUND,
            OK if persona in post else NOT_FOUND,
        )
    return outcomes


def review_url(rest: str, *, approved: bool = False) -> Callable[[Personas, Referral], str]:
    """A URL of a Belfast review with its team (lead_reviewer, reviewer), drafted or approved,
    with a PSNI report asked of agency_contact and sent, and a chronology entry."""

    def build(people: Personas, draft: Referral) -> str:
        review = review_flow.drafted(people)
        psni = Agency.objects.get(short_name="PSNI")
        report = AgencyReport.objects.create(
            review=review,
            agency=psni,
            contact=people.agency_contact,
            asked="Fictional",
            due_date=review_flow.TODAY,
            requested_by=people.lead_reviewer,
        )
        review_services.send_agency_report(
            report,
            report_file=files.upload("report.pdf", files.PDF),
            chronology_file=None,
            by=people.agency_contact,
        )
        entry = ChronologyEntry.objects.create(
            review=review,
            date=review_flow.TODAY,
            agency=psni,
            event="Fictional",
            significance="context",
            added_by=people.reviewer,
        )
        if approved:
            review_flow.approve(review, people)
        action = Action.objects.filter(recommendation__review=review).get()
        update = ActionUpdate.objects.create(
            action=action,
            status="on_track",
            note="Fictional",
            evidence=store_upload(files.upload("evidence.pdf", files.PDF), by=people.reviewer),
            author=people.reviewer,
        )
        made = ReportExport.objects.create(
            review=review,
            slug="overview-report",
            content_hash="fictional",
            status=ReportExport.Status.READY,
            document=store_generated(files.PDF, name="report.pdf", by=people.lead_reviewer),
            requested_by=people.lead_reviewer,
        )
        long_import = ChronologyImport.objects.create(
            review=review,
            document=store_generated(files.PDF, name="chronology.csv", by=people.reviewer),
            rows=301,
            requested_by=people.reviewer,
        )
        mother = review_flow.family_member(review, people, qualifier="maternal")
        values = {
            "family_member": mother.uuid,
            "import": long_import.uuid,
            "export": made.uuid,
            "report": report.uuid,
            "entry": entry.uuid,
            "action": action.uuid,
            "update": update.pk,
            "member": review.team.get(user=people.reviewer).uuid,
            "recommendation": action.recommendation.uuid,
        }
        return f"/reviews/{review.uuid}/{rest.format(**values)}"

    return build


def summary_changed_url(people: Personas, draft: Referral) -> str:
    """The first change, line by line, of the draft's factual summary, written twice."""
    for text in ("Fictional: first words.", "Fictional: second words."):
        services.update_referral(draft, {"event_summary": text}, by=people.belfast_member)
    return f"/referrals/{draft.uuid}/history/event_summary/1/"


def terms_changed_url(people: Personas, draft: Referral) -> str:
    """The first change, line by line, of a review's lines of enquiry, its terms saved again."""
    url = review_url("history/lines_of_enquiry/1/")(people, draft)
    review = Review.objects.get(uuid=url.split("/")[2])
    changed = review_flow.terms_values() | {"lines_of_enquiry": "Fictional: a second line."}
    review_services.save_terms(review, changed, by=people.lead_reviewer)
    return url


CLOCK_KEEPERS = ["lead_reviewer", "sbni_officer"]


def paused_url(people: Personas, draft: Referral) -> str:
    url = review_url("timescale/resume/")(people, draft)
    review = Review.objects.get(uuid=url.split("/")[2])
    timescales.pause_clock(review, "Fictional", by=people.lead_reviewer)
    return url


def extension_url(people: Personas, draft: Referral) -> str:
    """An extension asked for, waiting for the CMR Panel chair's decision."""
    url = review_url("timescale/")(people, draft)
    review = Review.objects.get(uuid=url.split("/")[2])
    assert review.due_on is not None
    asked = timescales.request_extension(
        review, review.due_on + datetime.timedelta(days=60), "Fictional", by=people.lead_reviewer
    )
    return f"{url}extensions/{asked.uuid}/"


def letter_url(rest: str) -> Callable[[Personas, Referral], str]:
    """A URL about the decision letter to the PSNI, an agency involved in a decided referral,
    whose log holds the letter recorded as sent."""

    def build(people: Personas, draft: Referral) -> str:
        referral = flow.decided(people).referral
        involvement = referral.agencies.get()
        sent = notices.record_notification(
            referral,
            notices.NoticeValues(
                recipient="agency",
                sent_on=review_flow.TODAY,
                sent_by=people.sbni_officer,
                subject="decision",
                method="letter",
                agency=involvement.agency,
            ),
            by=people.sbni_officer,
            letter=notices.decision_letter(involvement),
        )
        values = {"involvement": involvement.uuid, "notification": sent.uuid}
        return f"/referrals/{referral.uuid}/notifications/{rest.format(**values)}"

    return build


def signed_off_url(rest: str) -> Callable[[Personas, Referral], str]:
    """A URL of an approved review whose publication version is signed off."""

    def build(people: Personas, draft: Referral) -> str:
        review = review_flow.approved(people)
        publishing.sign_off_publication(
            review, [key for key, _ in PUBLICATION_CHECKS], by=people.sbni_officer
        )
        return f"/reviews/{review.uuid}/{rest}"

    return build


def proceeding_url(rest: str, *, on_review: bool) -> Callable[[Personas, Referral], str]:
    """A URL of the parallel proceedings of the Belfast review's case (on the referral or on the
    review), with an open inquest that holds publication back, and a trial shared with the
    referring panel."""

    def build(people: Personas, draft: Referral) -> str:
        url = review_url("")(people, draft)
        review = Review.objects.get(uuid=url.split("/")[2])
        inquest = open_proceedings(review.referral, people)[0]
        base = url if on_review else f"/referrals/{review.referral.uuid}/"
        return f"{base}proceedings/{rest.format(proceeding=inquest.uuid)}"

    return build


def open_proceedings(referral: Referral, people: Personas) -> list[Proceeding]:
    """An inquest holding publication back, not shared; a trial shared with the panel."""
    return [
        proceedings.add_proceeding(
            referral,
            {"kind": kind, "status": "under_way", "constraints": constraints, **more},
            by=people.sbni_officer,
        )
        for kind, constraints, more in (
            ("inquest", "Fictional: no publication before it", {"blocks_publication": True}),
            ("criminal_trial", "Fictional: no interviews before it", {"shared_with_panel": True}),
        )
    ]


def recommended_url(people: Personas, draft: Referral) -> str:
    return f"/referrals/{flow.recommended(people).item.referral.uuid}/decide/"


EXPECTATIONS: dict[str, Expect] = {
    "home": Expect(signed_in(OK, NOT_ALLOWED)),
    "healthz": Expect(open_to_all(OK, NOT_ALLOWED)),
    "accessibility": Expect(open_to_all(OK, NOT_ALLOWED)),
    "login": Expect(open_to_all(OK, OK), note="signed-in users are sent on"),
    "logout": Expect(signed_in(NOT_ALLOWED, OK)),
    "password_reset": Expect(open_to_all(OK, OK)),
    "password_reset_done": Expect(open_to_all(OK, NOT_ALLOWED)),
    "password_reset_confirm": Expect(
        open_to_all(OK, OK),
        url=lambda people, draft: "/password-reset/MQ/set-password/",
        note="an invalid link says so",
    ),
    "password_reset_complete": Expect(open_to_all(OK, NOT_ALLOWED)),
    "two_factor_setup": Expect(signed_in(OK, OK), note="verified users are sent on"),
    "two_factor_verify": Expect(signed_in(OK, OK), note="verified users are sent on"),
    "two_factor_recovery_codes": Expect(signed_in(OK, NOT_ALLOWED)),
    "(unnamed) admin/login/": Expect(open_to_all(OK, OK), note="redirects to the sign-in page"),
    "admin:login": Expect(open_to_all(OK, OK), note="shadowed by the redirect above"),
    "admin:app_list": Expect(
        only(ADMINISTRATORS, ADMIN, ADMIN), url=lambda people, draft: "/admin/panels/"
    ),
    "(unnamed) admin/(?P<url>.*)$": Expect(
        signed_in(NOT_FOUND, NOT_FOUND), url=lambda people, draft: "/admin/no-such-page/"
    ),
    "panels:list": Expect(signed_in(OK, NOT_ALLOWED)),
    "panels:detail": Expect(
        only(BELFAST_MEMBERS, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=lambda people, draft: "/panels/BEL/",
    ),
    "panels:invite_member": Expect(
        only(BELFAST_MANAGERS, OK, OK), url=lambda people, draft: "/panels/BEL/members/invite/"
    ),
    "panels:change_role": Expect(only(BELFAST_MANAGERS, OK, OK), url=belfast_member_url("role")),
    "panels:remove_member": Expect(
        only(BELFAST_MANAGERS, OK, OK), url=belfast_member_url("remove")
    ),
    "referrals:list": Expect(signed_in(OK, NOT_ALLOWED), note="each sees what they may"),
    "referrals:start": Expect(only(PANEL_MEMBERS, OK, OK)),
    "referrals:queue": Expect(only(SBNI_STAFF, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED))),
    "referrals:request_information": Expect(
        only([], NOT_FOUND, NOT_FOUND),
        url=referral_url("ask/"),
        note="a draft: the SBNI cannot see it, and the panel may not ask itself",
    ),
    "referrals:answer_request": Expect(
        only([], NOT_FOUND, NOT_FOUND),
        url=lambda people, draft: referral_url(f"questions/{draft.uuid}/answer/")(people, draft),
        note="no such question",
    ),
    "referrals:acknowledge": Expect(
        only([], NOT_ALLOWED, NOT_FOUND, others=(NOT_ALLOWED, NOT_FOUND)),
        url=referral_url("acknowledge/"),
        note="a draft: nobody may acknowledge it, and the SBNI cannot even see it",
    ),
    "referrals:overview": Expect(
        only(BELFAST_MEMBERS, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=referral_url(""),
        note="a draft: its panel only, never the SBNI",
    ),
    "referrals:section": Expect(only(BELFAST_MEMBERS, OK, OK), url=referral_url("child/")),
    "referrals:check": Expect(only(BELFAST_MEMBERS, OK, OK), url=referral_url("check/")),
    "referrals:sent": Expect(
        only(BELFAST_MEMBERS, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=referral_url("sent/"),
    ),
    "referrals:withdraw": Expect(only(BELFAST_MEMBERS, OK, OK), url=referral_url("withdraw/")),
    "referrals:siblings": Expect(only(BELFAST_MEMBERS, OK, OK), url=referral_url("siblings/")),
    "referrals:agencies": Expect(only(BELFAST_MEMBERS, OK, OK), url=referral_url("agencies/")),
    "referrals:remove_siblings": Expect(
        only(BELFAST_MEMBERS, NOT_ALLOWED, OK, others=(NOT_ALLOWED, NOT_FOUND)),
        url=lambda people, draft: (
            f"/referrals/{draft.uuid}/siblings/{draft.siblings.get().uuid}/remove/"
        ),
    ),
    "referrals:remove_agencies": Expect(
        only(BELFAST_MEMBERS, NOT_ALLOWED, OK, others=(NOT_ALLOWED, NOT_FOUND)),
        url=lambda people, draft: (
            f"/referrals/{draft.uuid}/agencies/{draft.agencies.get().uuid}/remove/"
        ),
    ),
    "referrals:documents": Expect(only(BELFAST_MEMBERS, OK, OK), url=referral_url("documents/")),
    "referrals:download_document": Expect(
        only(BELFAST_MEMBERS, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=lambda people, draft: referral_url(f"documents/{draft.documents.get().uuid}/")(
            people, draft
        ),
    ),
    "referrals:remove_document": Expect(
        only(BELFAST_MEMBERS, NOT_ALLOWED, OK, others=(NOT_ALLOWED, NOT_FOUND)),
        url=lambda people, draft: referral_url(f"documents/{draft.documents.get().uuid}/remove/")(
            people, draft
        ),
    ),
    "referrals:history": Expect(
        only(BELFAST_MEMBERS, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=referral_url("history/"),
    ),
    "referrals:history_change": Expect(
        only(BELFAST_MEMBERS, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=summary_changed_url,
    ),
    "referrals:viewers": Expect(
        only(["belfast_chair"], OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=referral_url("history/viewed/"),
        note="the panel's chair, not its members; SBNI staff do not see a draft",
    ),
    "referrals:meetings": Expect(
        only(SBNI_STAFF, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED))
    ),
    "referrals:schedule_meeting": Expect(only(MEETING_RUNNERS, OK, OK)),
    "referrals:meeting": Expect(
        only(SBNI_STAFF, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)), url=item_url("")
    ),
    "referrals:edit_meeting": Expect(only(MEETING_RUNNERS, OK, OK), url=item_url("edit/")),
    "referrals:attendance": Expect(only(MEETING_RUNNERS, OK, OK), url=item_url("attendance/")),
    "referrals:add_item": Expect(only(MEETING_RUNNERS, OK, OK), url=item_url("agenda/add/")),
    "referrals:agenda_item": Expect(
        only(SBNI_STAFF, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=item_url("agenda/{item}/"),
    ),
    "referrals:remove_item": Expect(
        only(MEETING_RUNNERS, NOT_ALLOWED, OK, others=(NOT_ALLOWED, NOT_FOUND)),
        url=item_url("agenda/{item}/remove/"),
    ),
    "referrals:declare": Expect(
        only(MEETING_RUNNERS, OK, OK), url=item_url("agenda/{item}/declare/")
    ),
    "referrals:recommend": Expect(
        only(MEETING_RUNNERS, OK, OK), url=item_url("agenda/{item}/recommend/")
    ),
    "referrals:export": Expect(
        only(BELFAST_MEMBERS, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=referral_url("export/summary.pdf"),
        note="a draft's summary: its panel only",
    ),
    "referrals:decision": Expect(
        only([*BELFAST_MEMBERS, *SBNI_STAFF], OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=decided_url("decision/"),
        note="a decided referral: its panel and the SBNI",
    ),
    "referrals:notifications": Expect(
        only(SBNI_STAFF, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=decided_url("notifications/"),
        note="the log of notifications to outside bodies: SBNI staff only",
    ),
    "referrals:record_notification": Expect(
        only(["sbni_officer"], OK, OK),
        url=decided_url("notifications/record/"),
        note="SBNI officers record",
    ),
    "referrals:decision_letter": Expect(
        split(SBNI_STAFF, ["sbni_officer"]),
        url=letter_url("decision/{involvement}/"),
        note="SBNI staff read the letter; officers record it as sent",
    ),
    "referrals:decision_letter_pdf": Expect(
        only(SBNI_STAFF, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=letter_url("decision/{involvement}/letter.pdf"),
    ),
    "referrals:sent_letter": Expect(
        only(SBNI_STAFF, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=letter_url("{notification}/letter/"),
    ),
    "reviews:publication_notice": Expect(
        split(SBNI_STAFF, ["sbni_officer"]),
        url=signed_off_url("publication/notice/"),
        note="SBNI staff read it, officers record it; the review team finds nothing",
    ),
    "reviews:publication_notice_pdf": Expect(
        only(SBNI_STAFF, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=signed_off_url("publication/notice.pdf"),
    ),
    "reviews:decide": Expect(
        only(["sbni_chair"], OK, OK),
        url=recommended_url,
        note="a recommended referral: the SBNI Chair only",
    ),
    "reviews:amend": Expect(only(["sbni_chair"], OK, OK), url=decided_url("decision/amend/")),
    "reviews:list": Expect(signed_in(OK, NOT_ALLOWED), note="each sees what they may"),
    "notifications:centre": Expect(signed_in(OK, NOT_ALLOWED), note="each sees their own"),
    "notifications:open": Expect(
        signed_in(NOT_FOUND, NOT_ALLOWED),
        url=lambda people, draft: "/notifications/999999/open/",
        note="no such notification: each opens only their own",
    ),
    "notifications:read_all": Expect(signed_in(NOT_ALLOWED, OK)),
    "notifications:settings": Expect(signed_in(OK, OK)),
    "reviews:review": Expect(
        only([*REVIEW_PEOPLE, *BELFAST_MEMBERS], OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url(""),
        note="the referring panel sees the progress only",
    ),
    "reviews:referral": Expect(
        only(REVIEW_PEOPLE, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("referral/"),
        note="the team reads the referral here without the CMR Panel's deliberations",
    ),
    "reviews:team": Expect(split(REVIEW_PEOPLE, ["sbni_officer"]), url=review_url("team/")),
    "reviews:remove_member": Expect(
        split([], ["sbni_officer"], post_only=True), url=review_url("team/{member}/remove/")
    ),
    "reviews:terms": Expect(split(REVIEW_PEOPLE, ["lead_reviewer"]), url=review_url("terms/")),
    "reviews:agency_reports": Expect(
        split(REVIEW_PEOPLE, ["lead_reviewer"]), url=review_url("agency-reports/")
    ),
    "reviews:agency_report": Expect(
        split([*REVIEW_PEOPLE, "agency_contact"], ["agency_contact"]),
        url=review_url("agency-reports/{report}/"),
    ),
    "reviews:accept_agency_report": Expect(
        split([], [*REVIEW_PEOPLE, "agency_contact"], post_only=True),
        url=review_url("agency-reports/{report}/accept/"),
        note="only the lead accepts; anyone else who may see it is told why",
    ),
    "reviews:agency_document": Expect(
        only([*REVIEW_PEOPLE, "agency_contact"], OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("agency-reports/{report}/report/"),
    ),
    "reviews:chronology": Expect(split(REVIEW_PEOPLE, REVIEWERS), url=review_url("chronology/")),
    "reviews:import_chronology": Expect(
        only(REVIEWERS, OK, OK), url=review_url("chronology/import/")
    ),
    "reviews:export_chronology": Expect(
        only(REVIEW_PEOPLE, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("chronology/export/"),
    ),
    "reviews:chronology_import": Expect(
        only(REVIEWERS, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("chronology/imports/{import}/"),
    ),
    "reviews:change_entry": Expect(only(REVIEWERS, OK, OK), url=review_url("chronology/{entry}/")),
    "reviews:remove_entry": Expect(
        split([], REVIEWERS, post_only=True), url=review_url("chronology/{entry}/remove/")
    ),
    "reviews:findings": Expect(
        only(REVIEW_PEOPLE, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("findings/"),
    ),
    "reviews:section": Expect(
        split(REVIEW_PEOPLE, REVIEWERS), url=review_url("findings/prevention/")
    ),
    "reviews:autosave": Expect(
        split([], REVIEWERS, post_only=True), url=review_url("findings/prevention/autosave/")
    ),
    "reviews:preview": Expect(
        split([], REVIEWERS, post_only=True), url=review_url("findings/prevention/preview/")
    ),
    "reviews:section_history": Expect(
        only(REVIEW_PEOPLE, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("findings/prevention/history/"),
    ),
    "reviews:history": Expect(
        only(REVIEW_PEOPLE, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("history/"),
    ),
    "reviews:history_change": Expect(
        only(REVIEW_PEOPLE, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=terms_changed_url,
    ),
    "reviews:viewers": Expect(
        only(SBNI_STAFF, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("history/viewed/"),
        note="SBNI staff only: it would name the review team to the referring panel",
    ),
    "reviews:restore_version": Expect(
        split([], REVIEWERS, post_only=True),
        url=review_url("findings/prevention/versions/1/restore/"),
    ),
    "reviews:comment": Expect(
        split([], REVIEWERS, post_only=True), url=review_url("findings/prevention/comments/")
    ),
    "reviews:recommendations": Expect(
        split(REVIEW_PEOPLE, REVIEWERS), url=review_url("recommendations/")
    ),
    "reviews:add_action": Expect(
        only(REVIEWERS, OK, OK), url=review_url("recommendations/{recommendation}/actions/")
    ),
    "reviews:action": Expect(
        split(
            [*REVIEW_PEOPLE, "agency_contact"],
            [*REVIEWERS, "sbni_officer", "agency_contact"],
        ),
        url=review_url("actions/{action}/", approved=True),
        note="progress during follow-up: the team, SBNI officers and the agency",
    ),
    "reviews:verify_action": Expect(
        split([], ["sbni_officer"], post_only=True),
        url=review_url("actions/{action}/verify/", approved=True),
    ),
    "reviews:evidence": Expect(
        only([*REVIEW_PEOPLE, "agency_contact"], OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("actions/{action}/evidence/{update}/", approved=True),
    ),
    "reviews:export": Expect(
        only(REVIEW_PEOPLE, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("export/action-plan.pdf"),
    ),
    "reviews:export_status": Expect(
        only(REVIEW_PEOPLE, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("exports/{export}/"),
    ),
    "reviews:export_download": Expect(
        only(REVIEW_PEOPLE, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("exports/{export}/download/"),
    ),
    "reviews:publication": Expect(
        split(REVIEW_PEOPLE, ["lead_reviewer", "sbni_officer"]), url=review_url("publication/")
    ),
    "reviews:report": Expect(
        only(REVIEW_PEOPLE, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("report/"),
    ),
    "reviews:approval": Expect(
        split(REVIEW_PEOPLE, REVIEW_PEOPLE),
        url=review_url("approval/"),
        note="each sees the steps their role may take",
    ),
    "referrals:proceedings": Expect(
        split(SBNI_STAFF, ["sbni_officer"]),
        url=proceeding_url("", on_review=False),
        note="SBNI staff read them, its officers keep them; the referring panel gets 404",
    ),
    "referrals:proceeding": Expect(
        split(SBNI_STAFF, ["sbni_officer"]), url=proceeding_url("{proceeding}/", on_review=False)
    ),
    "referrals:lift_embargo": Expect(
        split(["sbni_officer"], ["sbni_officer"]),
        url=proceeding_url("{proceeding}/lift-embargo/", on_review=False),
    ),
    "reviews:proceedings": Expect(
        split(REVIEW_PEOPLE, ["lead_reviewer", "sbni_officer"]),
        url=proceeding_url("", on_review=True),
        note="the lead reviewer and SBNI officers keep them; the referring panel gets 404",
    ),
    "reviews:proceeding": Expect(
        split(REVIEW_PEOPLE, ["lead_reviewer", "sbni_officer"]),
        url=proceeding_url("{proceeding}/", on_review=True),
    ),
    "reviews:lift_embargo": Expect(
        split(["sbni_officer"], ["sbni_officer"]),
        url=proceeding_url("{proceeding}/lift-embargo/", on_review=True),
    ),
    "reviews:themes": Expect(
        split(REVIEW_PEOPLE, [*REVIEWERS, "sbni_officer"]), url=review_url("themes/")
    ),
    "reviews:timescale": Expect(
        only(REVIEW_PEOPLE, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=review_url("timescale/"),
        note="the review's people; not the referring panel, who see the due date on the progress",
    ),
    "reviews:pause": Expect(
        split(CLOCK_KEEPERS, CLOCK_KEEPERS), url=review_url("timescale/pause/")
    ),
    "reviews:resume": Expect(
        split([], CLOCK_KEEPERS, post_only=True),
        url=paused_url,
        note="the clock paused first",
    ),
    "reviews:request_extension": Expect(
        split(CLOCK_KEEPERS, CLOCK_KEEPERS), url=review_url("timescale/extensions/ask/")
    ),
    "reviews:extension": Expect(
        split(REVIEW_PEOPLE, ["cmr_panel_chair"]),
        url=extension_url,
        note="everyone who may see the review reads it; the CMR Panel chair decides",
    ),
    "reviews:family": Expect(
        split(REVIEW_PEOPLE, ["sbni_officer"]),
        url=review_url("family/"),
        note="SBNI staff and the team; an officer chooses what the referring panel is told; "
        "the referring panel and agencies find nothing",
    ),
    "reviews:add_family_member": Expect(
        only(["lead_reviewer", "sbni_officer"], OK, OK), url=review_url("family/members/add/")
    ),
    "reviews:family_member": Expect(
        only(["lead_reviewer", "sbni_officer"], OK, OK),
        url=review_url("family/members/{family_member}/"),
    ),
    "reviews:add_family_contact": Expect(
        only([*REVIEWERS, "sbni_officer"], OK, OK), url=review_url("family/contacts/add/")
    ),
}

# The admin site, for system administrators only; anyone else signed in finds nothing.
ADMIN_SITE = Expect(only(ADMINISTRATORS, ADMIN, ADMIN))

PATTERNS = all_patterns()


def expectation_for(pattern: Pattern) -> Expect | None:
    if pattern.name in EXPECTATIONS:
        return EXPECTATIONS[pattern.name]
    if pattern.route.startswith("admin/"):
        return ADMIN_SITE
    return None


def outcome(response: HttpResponse) -> str:
    status = response.status_code
    assert status < 500, f"server error {status}"
    if status in (301, 302):
        location = response["Location"]
        if location.startswith(("/sign-in/?next=", "/admin/login/?next=")):
            return SIGN_IN
        return OK
    return {404: NOT_FOUND, 405: NOT_ALLOWED, 403: FORBIDDEN}.get(status, OK)


def test_every_url_pattern_declares_its_expectations() -> None:
    missing = [pattern.name for pattern in PATTERNS if expectation_for(pattern) is None]
    assert not missing, f"URL patterns with no expectations in tests/test_access.py: {missing}"
    stale = set(EXPECTATIONS) - {pattern.name for pattern in PATTERNS}
    assert not stale, f"expectations for URL patterns that no longer exist: {stale}"


def test_every_expectation_names_every_persona() -> None:
    for name, expect in [*EXPECTATIONS.items(), ("admin site", ADMIN_SITE)]:
        assert set(expect.outcomes) == set(PERSONAS), name


def belfast_draft(personas: Personas) -> Referral:
    """The record every URL is asked about: a Belfast draft with a sibling, an agency and a
    document."""
    draft = services.create_referral(personas.belfast, by=personas.belfast_member)
    services.add_part(draft, Sibling, {"initials": "CD"}, by=personas.belfast_member)
    services.add_part(
        draft,
        AgencyInvolvement,
        {"agency": Agency.objects.first(), "nature": "Fictional"},
        by=personas.belfast_member,
    )
    services.add_document(
        draft, files.upload("a.pdf", files.PDF), description="", by=personas.belfast_member
    )
    return draft


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda pattern: pattern.name)
def test_access(pattern: Pattern, personas: Personas, settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    draft = belfast_draft(personas)
    expect = expectation_for(pattern)
    assert expect is not None, f"{pattern.name} declares no expectations"
    if expect.url is not None:
        url = expect.url(personas, draft)
    elif pattern.route.startswith("admin/"):
        url = admin_url(pattern.route, personas)
    else:
        assert "<" not in pattern.route, f"{pattern.name} needs a url= with a real record"
        url = "/" + pattern.route
    wrong = []
    client = Client()  # one client: building its middleware stack is the slow part
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            sign_in(client, getattr(personas, persona))
        for method, wanted in zip(("get", "post"), expect.outcomes[persona], strict=True):
            # Each request runs in a savepoint rolled back after it, so a POST that changes
            # something (removing a member, say) leaves the next persona the same world.
            with transaction.atomic():
                got = outcome(getattr(client, method)(url))
                transaction.set_rollback(True)
            acceptable = {OK, FORBIDDEN, NOT_ALLOWED} if wanted == ADMIN else {wanted}
            if got not in acceptable:
                wrong.append(f"{persona} {method.upper()} {url}: expected {wanted}, got {got}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_the_proceedings_banner_shows_each_persona_what_the_sbni_lets_them_see(
    personas: Personas,
) -> None:
    """The review's people see every open proceeding on the review's pages; the referring panel
    only the one the SBNI shares with it, on the review's progress and on its referral; anyone
    else no page of the case at all."""
    review = review_flow.with_team(personas)
    open_proceedings(review.referral, personas)
    pages = {
        "review": f"/reviews/{review.uuid}/",
        "referral": f"/referrals/{review.referral.uuid}/",
    }
    client = Client()
    shown = set()
    for persona in SIGNED_IN:
        client.logout()
        sign_in(client, getattr(personas, persona))
        for where, url in pages.items():
            response = client.get(url)
            if response.status_code == 404:
                continue
            shown.add(persona)
            text = response.content.decode()
            sees_all = persona in REVIEW_PEOPLE
            assert ("Coroner&#x27;s inquest" in text) is sees_all, (persona, where)
            assert "Criminal trial" in text, (persona, where)
    assert {"belfast_member", "belfast_chair", "sbni_officer", "reviewer"} <= shown
