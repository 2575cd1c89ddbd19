from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cmr_portal.tooling.demo import load_demo_data


class Command(BaseCommand):
    help = "Create or refresh the fictional demo users (development only) and print their sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is for development only (PORTAL_ENV=development).")
        personas = load_demo_data()
        self.stdout.write("Demo sign-ins (fictional people, for development only):")
        for persona in personas:
            self.stdout.write(f"  {persona.email:<40} {persona.job_title}, {persona.organisation}")
        self.stdout.write(f"Password for every demo user: {settings.DEMO_PASSWORD}")
