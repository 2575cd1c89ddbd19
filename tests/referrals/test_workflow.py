"""Every transition of a referral, allowed and refused, by status and by role.

The expectations are written out here, apart from ``referrals.workflow``, so that a change to the
table there must be made on purpose in both places.
"""

import pytest

from referrals import services
from referrals.models import Referral
from referrals.workflow import TRANSITIONS, ReferralError, StaleForm, begin
from tests.conftest import Personas

S = Referral.Status
PANEL = {"belfast_member", "belfast_chair"}
MEETINGS = {"sbni_officer", "cmr_panel_chair"}

ALLOWED_FROM: dict[str, set[str]] = {
    "submit": {S.DRAFT},
    "withdraw": {
        S.DRAFT,
        S.SUBMITTED,
        S.INFORMATION_REQUESTED,
        S.UNDER_CONSIDERATION,
        S.RECOMMENDED,
    },
    "acknowledge": {S.SUBMITTED},
    "request_information": {S.SUBMITTED, S.UNDER_CONSIDERATION, S.RECOMMENDED},
    "answer_information": {S.INFORMATION_REQUESTED},
    "add_to_agenda": {S.SUBMITTED, S.UNDER_CONSIDERATION},
    "remove_from_agenda": {S.UNDER_CONSIDERATION, S.WITHDRAWN},
    "recommend": {S.UNDER_CONSIDERATION},
    "decide": {S.RECOMMENDED},
    "ask_for_more": {S.RECOMMENDED},
    "amend_decision": {S.DECIDED},
}
WHO: dict[str, set[str]] = {
    "submit": PANEL,
    "withdraw": PANEL,
    "acknowledge": {"sbni_officer"},
    "request_information": {"sbni_officer"},
    "answer_information": PANEL,
    "add_to_agenda": MEETINGS,
    "remove_from_agenda": MEETINGS,
    "recommend": MEETINGS,
    "decide": {"sbni_chair"},
    "ask_for_more": {"sbni_chair"},
    "amend_decision": {"sbni_chair"},
}
PERSONAS = [
    "belfast_member",
    "belfast_chair",
    "western_member",
    "sbni_officer",
    "cmr_panel_chair",
    "sbni_chair",
    "reviewer",
    "agency_contact",
    "admin",
]


def test_the_table_covers_every_transition() -> None:
    assert set(TRANSITIONS) == set(ALLOWED_FROM) == set(WHO)


def in_status(personas: Personas, status: str) -> Referral:
    referral = services.create_referral(personas.belfast, by=personas.belfast_member)
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    return referral


@pytest.mark.parametrize("action", sorted(ALLOWED_FROM))
@pytest.mark.parametrize("status", S.values)
def test_each_transition_by_status(personas: Personas, action: str, status: str) -> None:
    referral = in_status(personas, status)
    someone_allowed = getattr(personas, sorted(WHO[action])[0])
    if status in ALLOWED_FROM[action]:
        assert begin(referral, action, by=someone_allowed).status == status
    else:
        with pytest.raises(ReferralError, match=r"You cannot .* now\. Its status is: "):
            begin(referral, action, by=someone_allowed)


@pytest.mark.parametrize("action", sorted(WHO))
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_transition_by_role(personas: Personas, action: str, persona: str) -> None:
    referral = in_status(personas, sorted(ALLOWED_FROM[action])[0])
    if persona in WHO[action]:
        begin(referral, action, by=getattr(personas, persona))
    else:
        with pytest.raises(ReferralError, match="Only"):
            begin(referral, action, by=getattr(personas, persona))


def test_a_stale_form_is_refused_and_says_what_happened(personas: Personas) -> None:
    referral = in_status(personas, S.RECOMMENDED)
    with pytest.raises(StaleForm, match="Its status is now: awaiting decision"):
        begin(referral, "decide", by=personas.sbni_chair, seen=S.UNDER_CONSIDERATION)
    assert begin(referral, "decide", by=personas.sbni_chair, seen=S.RECOMMENDED)
