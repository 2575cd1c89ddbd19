from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cmr_portal.tooling.demo import NAMED_PERSONAS, PERSONAS, Persona, load_demo_data


class Command(BaseCommand):
    help = "Create or refresh the fictional demo users (development only) and print their sign-ins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--short",
            action="store_true",
            help="Print the named personas only (scripts/run-dev.sh prints them last).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is for development only (PORTAL_ENV=development).")
        load_demo_data()
        if options["short"]:
            self.stdout.write(
                f"Sign in as one of these fictional people, password {settings.DEMO_PASSWORD}:"
            )
            self.write_personas(NAMED_PERSONAS)
            panel_staff = PERSONAS[len(NAMED_PERSONAS)]
            self.stdout.write(
                "  and a chair, an administrator and a member of every panel, such as "
                f"{panel_staff.email}"
            )
        else:
            self.stdout.write("Demo sign-ins (fictional people, for development only):")
            self.write_personas(PERSONAS)
            self.stdout.write(f"Password for every demo user: {settings.DEMO_PASSWORD}")

    def write_personas(self, personas: list[Persona]) -> None:
        for persona in personas:
            self.stdout.write(f"  {persona.email:<36} {persona.job_title}, {persona.organisation}")
