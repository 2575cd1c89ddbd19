"""Fictional demo data for ``make run``. Nothing here describes a real person or case."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cmr_portal.kernel.working_days import add_working_days
from panels import services
from panels.models import Agency, Membership, Panel, SbniRole, User
from panels.security import DEMO_EMAIL_DOMAIN
from referrals import consideration, proceedings
from referrals import services as referral_services
from referrals.consideration import DecisionValues
from referrals.models import AgencyInvolvement, Answer, Outcome, Proceeding, Referral, Sibling
from reviews import family, timescales
from reviews import services as review_services
from reviews.models import FamilyMember, ReviewMember
from reviews.monitoring.refresh import refresh


@dataclass(frozen=True)
class Persona:
    """A fictional user for one role; the names match the personas in the tests and docs."""

    key: str
    full_name: str
    job_title: str
    organisation: str
    panel_code: str = ""
    panel_role: str = ""
    sbni_role: SbniRole | None = None
    agency: str = ""
    is_admin: bool = False

    @property
    def email(self) -> str:
        return f"{self.key.replace('_', '.')}@{DEMO_EMAIL_DOMAIN}"


ROLE = Membership.Role
NAMED_PERSONAS = [
    Persona(
        "belfast_member",
        "Aoife Demo",
        "Panel member",
        "Belfast Trust (fictional)",
        "BEL",
        ROLE.MEMBER,
    ),
    Persona(
        "belfast_chair",
        "Brendan Demo",
        "Independent chair",
        "Belfast panel (fictional)",
        "BEL",
        ROLE.CHAIR,
    ),
    Persona(
        "western_member",
        "Ciara Demo",
        "Panel member",
        "Western Trust (fictional)",
        "WST",
        ROLE.MEMBER,
    ),
    Persona(
        "sbni_officer",
        "Declan Demo",
        "Professional officer",
        "SBNI (fictional)",
        sbni_role=SbniRole.SBNI_OFFICER,
    ),
    Persona(
        "cmr_panel_member",
        "Deirdre Demo",
        "CMR Panel member",
        "PSNI (fictional)",
        sbni_role=SbniRole.CMR_PANEL_MEMBER,
    ),
    Persona(
        "cmr_panel_chair",
        "Eimear Demo",
        "CMR Panel chair",
        "SBNI (fictional)",
        sbni_role=SbniRole.CMR_PANEL_CHAIR,
    ),
    Persona(
        "sbni_chair", "Fergal Demo", "SBNI Chair", "SBNI (fictional)", sbni_role=SbniRole.SBNI_CHAIR
    ),
    Persona("lead_reviewer", "Grainne Demo", "Independent reviewer", "Independent (fictional)"),
    Persona("reviewer", "Hugh Demo", "Review team member", "PSNI (fictional)"),
    Persona(
        "agency_contact",
        "Iona Demo",
        "Safeguarding lead",
        "Education Authority (fictional)",
        agency="Education Authority",
    ),
    Persona(
        "police_contact",
        "Kieran Demo",
        "Public protection officer",
        "PSNI (fictional)",
        agency="Police Service of Northern Ireland",
    ),
    Persona(
        "admin",
        "Jack Demo",
        "System administrator",
        "SBNI (fictional)",
        sbni_role=SbniRole.SYSTEM_ADMINISTRATOR,
        is_admin=True,
    ),
]


def _panel_staff() -> list[Persona]:
    """A chair, an administrator and a member for every panel that the named personas leave out."""
    taken = {(persona.panel_code, persona.panel_role) for persona in NAMED_PERSONAS}
    staff = []
    for code in ("BEL", "NOR", "SET", "STH", "WST", "NIAS"):
        for role in (ROLE.CHAIR, ROLE.ADMINISTRATOR, ROLE.MEMBER):
            if (code, role) not in taken:
                label = role.label.lower().removeprefix("panel ")
                staff.append(
                    Persona(
                        f"{code.lower()}_{role.value}",
                        f"{code} {label} (demo)",
                        str(role.label),
                        f"{code} panel (fictional)",
                        code,
                        role,
                    )
                )
    return staff


PERSONAS = NAMED_PERSONAS + _panel_staff()


@transaction.atomic
def load_demo_data() -> list[Persona]:
    """Create or refresh every demo user and their roles. Safe to run any number of times."""
    panels = {panel.code: panel for panel in Panel.objects.all()}
    for persona in PERSONAS:
        user, _ = User.objects.update_or_create(
            email=persona.email,
            defaults={
                "full_name": persona.full_name,
                "job_title": persona.job_title,
                "organisation": persona.organisation,
                "agency": Agency.objects.get(name=persona.agency) if persona.agency else None,
                "is_active": True,
                "is_staff": persona.is_admin,
            },
        )
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        if persona.sbni_role is not None:
            user.groups.add(Group.objects.get(name=persona.sbni_role.value))
        if persona.panel_code:
            panel = panels[persona.panel_code]
            membership = Membership.objects.filter(panel=panel, user=user).first()
            if membership is None:
                services.add_member(panel, user, persona.panel_role, by=None)
            elif membership.role != persona.panel_role:
                services.change_role(membership, persona.panel_role, by=None)
    load_demo_referrals()
    refresh()  # the monitoring figures, as beat would work them out within the hour
    return PERSONAS


DEMO_TRUST_REFERENCE = "DEMO (fictional)"


def _sent_referral(member: User, initials: str, summary: str) -> Referral:
    """A complete fictional Belfast referral, sent to the SBNI."""
    today = timezone.localdate()
    sent = referral_services.create_referral(Panel.objects.get(code="BEL"), by=member)
    referral_services.update_referral(
        sent,
        {
            "child_initials": initials,
            "child_date_of_birth": today - datetime.timedelta(days=900),
            "child_gender": Referral.Gender.FEMALE,
            "child_trust_reference": DEMO_TRUST_REFERENCE,
            "event_type": Referral.EventType.SIGNIFICANT_HARM,
            "event_date": today - datetime.timedelta(days=12),
            "agency_aware_date": today - datetime.timedelta(days=11),
            "event_place": "Family home (fictional)",
            "event_summary": summary,
            "child_on_register": Answer.NO,
            "child_looked_after": Answer.NO,
            "sibling_on_register": Answer.YES,
            "reg17_harm": Answer.YES,
            "reg17_abuse": Answer.YES,
            "reg17_register": Answer.YES,
            "reg17_looked_after": Answer.NO,
            "reg17_concerns": Answer.YES,
            "reg17_learning": Answer.NOT_KNOWN,
            "notifier_name": member.full_name,
            "notifier_role": member.job_title,
            "notifier_email": member.email,
        },
        by=member,
    )
    referral_services.add_part(sent, Sibling, {"initials": "LK", "estimated_age": 6}, by=member)
    referral_services.add_part(
        sent,
        AgencyInvolvement,
        {
            "agency": Agency.objects.get(short_name="PSNI"),
            "nature": "Called to the home twice in the past year (fictional).",
        },
        by=member,
    )
    return referral_services.submit_referral(sent, by=member)


def demo_user(key: str) -> User:
    return User.objects.get(email=f"{key}@{DEMO_EMAIL_DOMAIN}")


def load_demo_referrals() -> None:
    """Fictional Belfast referrals, once: a draft half done; one acknowledged and on the agenda
    of a CMR Panel meeting held today, ready for its recommendation; and one decided, whose
    review is open with its team appointed, a trial running alongside and an extension asked."""
    if Referral.objects.filter(child_trust_reference=DEMO_TRUST_REFERENCE).exists():
        return
    member = demo_user("belfast.member")
    officer = demo_user("sbni.officer")
    today = timezone.localdate()
    draft = referral_services.create_referral(Panel.objects.get(code="BEL"), by=member)
    referral_services.update_referral(
        draft,
        {
            "child_initials": "JD",
            "child_estimated_age": 4,
            "child_trust_reference": DEMO_TRUST_REFERENCE,
        },
        by=member,
    )
    waiting = _sent_referral(
        member,
        "MK",
        "A fictional account for the demonstration: the child was brought to hospital with "
        "injuries that staff could not explain.",
    )
    referral_services.acknowledge_referral(waiting, by=officer)
    meeting = consideration.schedule_meeting(
        date=today, place="SBNI offices, demonstration room (fictional)", by=officer
    )
    consideration.add_to_agenda(meeting, waiting, by=officer)

    decided = _sent_referral(
        member,
        "RT",
        "A fictional account for the demonstration: the child was found alone at home, "
        "unwell, after several missed health appointments.",
    )
    referral_services.acknowledge_referral(decided, by=officer)
    earlier = consideration.schedule_meeting(
        date=today, place="Extraordinary meeting, video call (fictional)", by=officer
    )
    item = consideration.add_to_agenda(earlier, decided, by=officer)
    consideration.record_attendance(
        earlier, dict.fromkeys(consideration.cmr_panel_members(), "present"), by=officer
    )
    consideration.recommend(
        item,
        {
            "harm": Answer.YES,
            "abuse": Answer.YES,
            "register": Answer.YES,
            "looked_after": Answer.NO,
            "concerns": Answer.YES,
            "learning": Answer.NO,
            "outcome": Outcome.CMR_17_2,
            "learning_route": None,
            "rationale": "Fictional: agencies held pieces of the picture that were not shared.",
            "dissent": "",
        },
        by=demo_user("cmr.panel.chair"),
    )
    decision = review_services.decide(
        decided,
        DecisionValues(Outcome.CMR_17_2, "Fictional reasons for the demonstration."),
        by=demo_user("sbni.chair"),
    )
    review = decision.reviews.get()
    review_services.appoint(review, demo_user("lead.reviewer"), ReviewMember.Role.LEAD, by=officer)
    review_services.appoint(review, demo_user("reviewer"), ReviewMember.Role.REVIEWER, by=officer)
    # The agency contact's home page has a report to send.
    review_services.request_agency_report(
        review,
        agency=Agency.objects.get(name="Education Authority"),
        contact=demo_user("agency.contact"),
        asked="Fictional: the school's contact with the child and family in the last year.",
        due_date=add_working_days(today, 20),
        by=demo_user("lead.reviewer"),
    )
    # The family's part begins: the mother, by role only, is to be invited by the lead reviewer.
    family.add_family_member(
        review,
        {
            "role": FamilyMember.Role.MOTHER,
            "participation": FamilyMember.Participation.TO_BE_INVITED,
            "contact": review.team.get(role=ReviewMember.Role.LEAD),
            "arrangements": "Fictional: a letter first, then a meeting at a place she chooses.",
        },
        by=demo_user("lead.reviewer"),
    )
    # A trial runs alongside, shared with the referring panel; the lead reviewer has asked the
    # CMR Panel chair for more time for the terms of reference (their home page shows it).
    proceedings.add_proceeding(
        decided,
        {
            "kind": Proceeding.Kind.CRIMINAL_TRIAL,
            "status": Proceeding.Status.UNDER_WAY,
            "next_date": add_working_days(today, 60),
            "next_date_what": "Trial listed (fictional)",
            "contact_role": "Senior investigating officer",
            "contact_organisation": "Police Service of Northern Ireland",
            "constraints": "Fictional: no interviews of witnesses before the trial.",
            "shared_with_panel": True,
        },
        by=officer,
    )
    review.refresh_from_db()
    assert review.due_on is not None
    timescales.request_extension(
        review,
        add_working_days(review.due_on, 20),
        "Fictional: the police have asked that witnesses are not interviewed before the trial.",
        by=demo_user("lead.reviewer"),
    )
