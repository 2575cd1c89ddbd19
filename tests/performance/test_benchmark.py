"""The benchmark of issue 10 at a small scale, on every CI run, so that it cannot rot.

Its timings are not judged here: speed is measured by the benchmark itself (docs/performance.md),
never by timed assertions. What is checked: the fictional data is written as asked, every key
page answers for its persona within the query budget, and the sweep and the PDF report back.
"""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from cmr_portal.tooling.management.commands.benchmark import (
    ADMIN_PAGE,
    ADMINISTRATOR,
    MAX_QUERIES,
)
from panels.models import User
from referrals.models import Referral
from reviews.models import ChronologyEntry, Review


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_benchmark_runs_on_fictional_scale_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sweep and the PDF run in processes of their own, on this same test database.
    settings = connection.settings_dict
    monkeypatch.setenv(
        "DATABASE_URL",
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}",
    )
    written = io.StringIO()
    call_command("generate_scale_data", scale=0.002, stdout=written)
    summary = json.loads(written.getvalue())
    assert summary["tables"]["referrals_referral"]["rows"] == Referral.objects.count() == 200
    assert Review.objects.count() == 20
    assert ChronologyEntry.objects.count() > 0
    # Fictional, and saying so.
    made = User.objects.filter(email__endswith="@scale-data.invalid")
    assert made.count() == summary["tables"]["panels_user"]["rows"]
    assert not Referral.objects.exclude(child_trust_reference__startswith="FICT-").exists()

    # Two turns of the pages, their samples added together, then the report (as
    # scripts/benchmark.sh takes the scales in turns).
    samples = tmp_path / "samples.json"
    for _ in range(2):
        call_command(
            "benchmark",
            repeat=2,
            pages_only=True,
            samples=str(samples),
            output=str(tmp_path / "small"),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not (tmp_path / "small.json").exists()
    call_command(
        "benchmark",
        repeat=0,
        samples=str(samples),
        output=str(tmp_path / "small"),
        sweep_open="2000",
        pdf_rows="50",
        pdf_paragraphs="2",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    results = json.loads((tmp_path / "small.json").read_text())
    pages = {(row["page"], row["persona"]): row for row in results["pages"]}
    assert ("Referral", "panel member") in pages
    assert ("SBNI queue", "SBNI officer") in pages
    # The sixteen pages of issue 10, each persona's home page (issue 17), the accessibility
    # statement, which measures what every request costs, the admin's lists as a system
    # administrator (issue 18), and the monitoring page for an SBNI officer and a panel chair,
    # with the records behind a figure (issue 20).
    admin = [name for name, persona in pages if name.startswith(ADMIN_PAGE)]
    assert len(pages) - len(admin) == 30
    assert {("Monitoring", "SBNI officer"), ("Monitoring", "panel chair")} <= set(pages)
    assert {"Admin: audit trail", "Admin: audit trail, an email", "Admin: notifications"} <= set(
        admin
    )
    assert all(persona == ADMINISTRATOR for name, persona in pages if name in admin)
    assert [row["page"] for row in pages.values() if row["fixed"]] == ["Accessibility statement"]
    for row in pages.values():
        assert row["requests"] == 4  # two turns of two
        assert 0 < row["floor_ms"] < row["p50_ms"]  # the page does more than its SQL
        assert row["ratio"] > 1
        assert row["cpu_ms"] > 0
    for persona in (
        "panel member",
        "SBNI officer",
        "lead reviewer",
        "agency contact",
        "panel chair",
    ):
        assert ("Home", persona) in pages
    assert all(0 < row["queries"] <= MAX_QUERIES for row in pages.values())
    assert results["sweep"]["full"]["first"]["reminders"] > 0
    assert results["pdf"]["pages"] > 1
    table = (tmp_path / "small.md").read_text()
    assert "| Findings section | lead reviewer |" in table
    assert "SQL floor ms | Ratio |" in table
