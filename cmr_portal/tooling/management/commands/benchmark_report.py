"""A benchmark, not a test: rendering a long overview report to PDF.

    python manage.py benchmark_report --rows 1000 --paragraphs 30

A fictional review with ``rows`` chronology entries and ``paragraphs`` paragraphs of findings
on each question, made inside a transaction that is rolled back. Prints JSON: the pages, the
seconds to lay out and write the PDF, and the process's peak memory before and after (the whole
process: Django, the data and WeasyPrint).
"""

import datetime
import json
import os
import platform
import resource
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from cmr_portal.kernel.pdf import laid_out, written
from cmr_portal.tooling.benchmarks import Rollback, fictional_review
from panels.models import Agency
from reviews import documents, drafting
from reviews.models import Action, ChronologyEntry

PARAGRAPH = (
    "Fictional analysis for the benchmark: the agencies held pieces of the picture that were "
    "not brought together, so that no single professional saw how often the family had asked "
    "for help. The review found that referrals were made in good faith but followed up late, "
    "and that the child's voice was recorded in only some of the contacts. "
) * 2


def peak_megabytes() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Command(BaseCommand):
    help = "Time a long overview report's PDF (leaves no data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=1000, help="chronology entries")
        parser.add_argument("--paragraphs", type=int, default=30, help="per findings section")

    def handle(self, *args: Any, **options: Any) -> None:
        results: dict[str, Any] = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "rows": options["rows"],
            "paragraphs": options["paragraphs"],
        }
        try:
            with transaction.atomic():
                review = self.fill(options["rows"], options["paragraphs"])
                html = documents.render(review, "overview-report")[0]
                results["peak_mb_before"] = peak_megabytes()
                started = time.perf_counter()
                document = laid_out(html)
                pdf = written(document)
                results["seconds"] = round(time.perf_counter() - started, 2)
                results["peak_mb_after"] = peak_megabytes()
                results["pages"] = len(document.pages)
                results["bytes"] = len(pdf)
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(json.dumps(results, indent=2))

    def fill(self, rows: int, paragraphs: int) -> Any:
        recommendation = fictional_review(stage="drafting")
        review = recommendation.review
        agencies = list(Agency.objects.filter(active=True))
        start = datetime.date(2023, 1, 1)
        ChronologyEntry.objects.bulk_create(
            ChronologyEntry(
                review=review,
                date=start + datetime.timedelta(days=n),
                agency=agencies[n % len(agencies)],
                event=f"Fictional event {n}: a home visit, a missed appointment or a referral "
                "between agencies, recorded for the benchmark.",
                source=f"Fictional record {n}",
                significance="relevant",
                added_by=review.opened_by,
            )
            for n in range(rows)
        )
        text = "\n\n".join(PARAGRAPH for _ in range(paragraphs))
        review.sections.update(text=text, html=drafting.render(text))
        Action.objects.bulk_create(
            Action(
                recommendation=recommendation,
                agency=agencies[n % len(agencies)],
                owner="Fictional post",
                description="Fictional action for the benchmark.",
                due_date=start + datetime.timedelta(days=900 + n),
                measure="Fictional measure.",
            )
            for n in range(20)
        )
        return review
