"""Who gets what, for every URL pattern of the project, for every persona, for GET and POST.

Each pattern must declare its expectations here: a new URL without them fails
``test_every_url_pattern_declares_its_expectations``. The outcomes:

- OK: the page or the action (2xx, or a redirect that is not to sign-in);
- SIGN_IN: sent to sign in;
- NOT_FOUND: 404, exactly as for a record that does not exist;
- NOT_ALLOWED: 405, the method is not accepted;
- ADMIN: the admin site answers, and its model permissions decide (OK, 403, or 405).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from pytest_django.fixtures import Settings

from panels.models import Agency
from referrals import services
from referrals.models import AgencyInvolvement, Referral, Sibling
from tests import files
from tests.access_urls import (
    admin_url,
    belfast_member_url,
    decided_url,
    extension_url,
    figures_url,
    item_url,
    letter_url,
    open_proceedings,
    paused_url,
    proceeding_url,
    recommended_url,
    referral_url,
    review_url,
    signed_off_url,
    summary_changed_url,
    terms_changed_url,
)
from tests.conftest import Personas, sign_in
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


BELFAST_MANAGERS = ["belfast_chair"]
PANEL_MEMBERS = ["belfast_member", "belfast_chair", "western_member"]
SBNI_STAFF = ["sbni_officer", "cmr_panel_chair", "sbni_chair"]
BELFAST_MEMBERS = ["belfast_member", "belfast_chair"]
MEETING_RUNNERS = ["sbni_officer", "cmr_panel_chair"]


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


CLOCK_KEEPERS = ["lead_reviewer", "sbni_officer"]
# issue 20: the year's figures, for SBNI staff and a panel's chair (of Belfast)
YEAR_FIGURES = [*SBNI_STAFF, "belfast_chair"]


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
    # issue 20: the monitoring page
    "reviews:monitoring": Expect(
        only([*SBNI_STAFF, "belfast_chair"], OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        note="SBNI staff see every panel's figures, a panel's chair their own panel's",
    ),
    "reviews:monitoring_records": Expect(
        only([*SBNI_STAFF, "belfast_chair"], OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=lambda people, draft: "/monitoring/records/?period=2025&figure=step&key=acknowledge",
        note="the records behind a figure, of the panels the viewer may see",
    ),
    # issue 20: the year's figures
    "reviews:monitoring_figures": Expect(
        split([], YEAR_FIGURES, post_only=True),
        note="SBNI staff and a panel's chair ask; nothing worked out yet, they are told so",
    ),
    "reviews:monitoring_figures_status": Expect(
        only(YEAR_FIGURES, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=figures_url(""),
        note="Belfast's figures: SBNI staff and Belfast's chair",
    ),
    "reviews:monitoring_figures_pdf": Expect(
        only(YEAR_FIGURES, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=figures_url("pdf/"),
    ),
    "reviews:monitoring_figures_xlsx": Expect(
        only(YEAR_FIGURES, OK, NOT_ALLOWED, others=(NOT_FOUND, NOT_ALLOWED)),
        url=figures_url("xlsx/"),
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
