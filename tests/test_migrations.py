"""Every change to a model has its migration: a model edited without ``makemigrations`` fails."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(
            f"Models and migrations differ: run manage.py makemigrations.\n{out.getvalue()}"
        )
