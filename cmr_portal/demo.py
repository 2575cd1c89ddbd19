"""Fictional demo data for ``make run``. Nothing here describes a real person or case."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from panels.models import User

DEMO_EMAIL_DOMAIN = "demo.example.org"


@dataclass(frozen=True)
class Persona:
    """A fictional user for one role; the names match the personas in the tests and docs."""

    key: str
    full_name: str
    job_title: str
    organisation: str
    is_admin: bool = False

    @property
    def email(self) -> str:
        return f"{self.key.replace('_', '.')}@{DEMO_EMAIL_DOMAIN}"


PERSONAS = [
    Persona("belfast_member", "Aoife Demo", "Panel member", "Belfast HSC Trust (fictional)"),
    Persona("belfast_chair", "Brendan Demo", "Panel chair", "Belfast HSC Trust (fictional)"),
    Persona("western_member", "Ciara Demo", "Panel member", "Western HSC Trust (fictional)"),
    Persona("sbni_officer", "Declan Demo", "Professional officer", "SBNI (fictional)"),
    Persona("cmr_panel_chair", "Eimear Demo", "CMR Panel chair", "SBNI (fictional)"),
    Persona("sbni_chair", "Fergal Demo", "SBNI Chair", "SBNI (fictional)"),
    Persona("lead_reviewer", "Grainne Demo", "Independent reviewer", "Independent (fictional)"),
    Persona("reviewer", "Hugh Demo", "Review team member", "PSNI (fictional)"),
    Persona("agency_contact", "Iona Demo", "Safeguarding lead", "Education Authority (fictional)"),
    Persona("admin", "Jack Demo", "System administrator", "SBNI (fictional)", is_admin=True),
]


@transaction.atomic
def load_demo_data() -> list[Persona]:
    """Create or refresh every demo user. Safe to run any number of times."""
    for persona in PERSONAS:
        user, _ = User.objects.update_or_create(
            email=persona.email,
            defaults={
                "full_name": persona.full_name,
                "job_title": persona.job_title,
                "organisation": persona.organisation,
                "is_active": True,
                "is_staff": persona.is_admin,
                "is_superuser": persona.is_admin,
            },
        )
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return PERSONAS
