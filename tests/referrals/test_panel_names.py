"""One name for a panel: what people read (notifications, their emails, the history's summaries)
calls it as the pages do, "Belfast Local Safeguarding Panel", never "the BEL panel"."""

import datetime
import re
from pathlib import Path

from django.core import mail
from django.test import Client
from django.utils import timezone

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications.models import Notification
from panels import services as panel_services
from panels.models import Membership
from referrals import services
from tests.conftest import Personas, sign_in
from tests.referrals import flow

BELFAST = "Belfast Local Safeguarding Panel"
ROOT = Path(__file__).resolve().parent.parent.parent


def test_notifications_and_the_history_name_the_panel_as_the_pages_do(
    personas: Personas,
) -> None:
    referral = flow.acknowledged(personas)
    asked = services.request_information(
        referral,
        question="Please send the strategy meeting's notes (fictional).",
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        by=personas.sbni_officer,
    )
    services.answer_information_request(
        asked, answer="Attached (fictional).", by=personas.belfast_member
    )
    messages = list(Notification.objects.values_list("message", flat=True))
    assert f"New referral {referral.reference} from {BELFAST}" in messages
    assert f"{BELFAST} has answered about referral {referral.reference}" in messages
    summaries = list(AuditEvent.objects.values_list("summary", flat=True))
    assert f"Asked {BELFAST} for information on {referral.reference}" in summaries
    home = sign_in(Client(), personas.sbni_officer).get("/notifications/").content.decode()
    assert f"from {BELFAST}" in home
    for text in [*messages, *summaries, home, *(each.body for each in mail.outbox)]:
        assert "BEL panel" not in text


def test_membership_changes_name_the_panel_in_the_history(personas: Personas) -> None:
    membership = Membership.objects.get(user=personas.belfast_member, panel=personas.belfast)
    panel_services.remove_member(membership, by=personas.admin)
    summary = AuditEvent.objects.get(action="membership.removed").summary
    assert summary == f"Removed {personas.belfast_member.email} from {BELFAST}"


def test_no_message_or_summary_names_a_panel_by_its_code() -> None:
    """A panel's code belongs in references (BEL-2026-0001) and URLs, not in words people read."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("cmr_portal", "panels", "referrals", "reviews")
        for path in (ROOT / package).rglob("*.py")
        if "tooling" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""f["'].*\{[\w.]*panel\.code\}(?!-)""", line)
    ]
    assert offenders == []
