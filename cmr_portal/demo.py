"""Fictional demo data for ``make run``. Nothing here describes a real person or case."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from panels import services
from panels.models import Agency, Membership, Panel, SbniRole, User
from panels.security import DEMO_EMAIL_DOMAIN


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
    return PERSONAS
