"""The real records the access test asks each URL pattern about, as URLs: each builder makes
the record (a Belfast review with its team, a decided referral, a letter sent...) through the
real services and gives the URL of the page about it. All fictional."""

import datetime
import re
from collections.abc import Callable

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cmr_portal.kernel.documents.services import store_generated, store_upload
from panels.models import Agency, Panel, SbniRole
from referrals import notices, proceedings, services
from referrals.models import Proceeding, Referral
from reviews import publishing, timescales
from reviews import services as review_services
from reviews.models import (
    PUBLICATION_CHECKS,
    Action,
    ActionUpdate,
    AgencyReport,
    ChronologyEntry,
    ChronologyImport,
    FiguresExport,
    Refresh,
    ReportExport,
    Review,
)
from tests import files
from tests.conftest import Personas
from tests.referrals import flow
from tests.reviews import flow as review_flow


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


# issue 20: the year's figures
def figures_url(rest: str) -> Callable[[Personas, Referral], str]:
    """A URL of the year's figures of the Belfast panel, made and ready."""

    def build(people: Personas, draft: Referral) -> str:
        now = timezone.now()
        worked_out = Refresh.objects.create(started_at=now, finished_at=now, as_of=now.date())
        made = FiguresExport.objects.create(
            year=2025,
            panel=people.belfast,
            refresh=worked_out,
            content_hash="fictional",
            status=FiguresExport.Status.READY,
            pdf=store_generated(files.PDF, name="figures.pdf", by=people.sbni_officer),
            xlsx=store_generated(
                files.XLSX,
                name="figures.xlsx",
                by=people.sbni_officer,
                content_type=files.XLSX_TYPE,
            ),
            requested_by=people.sbni_officer,
        )
        return f"/monitoring/figures/{made.uuid}/{rest}"

    return build
