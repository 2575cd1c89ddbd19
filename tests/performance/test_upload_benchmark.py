"""The upload benchmark (``manage.py benchmark_uploads``, ``make uploadtest``) at a tiny size, so
that it cannot rot: gunicorn started on this test database, every worst file uploaded three at
once with a signed-in reviewer's form, /healthz asked alongside. Its timings are not judged here
(docs/performance.md has them): what is checked is that every upload got the page a person would
see, with the message that says why a file was refused.
"""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from reviews.models import ChronologyImport


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_upload_benchmark_runs_small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Gunicorn runs in processes of its own, on this same test database.
    settings = connection.settings_dict
    monkeypatch.setenv(
        "DATABASE_URL",
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}",
    )
    output = tmp_path / "uploads.json"
    call_command(
        "benchmark_uploads",
        scale=0.01,
        port=8079,
        output=str(output),
        no_target=True,
        stdout=io.StringIO(),
    )
    results = json.loads(output.read_text())
    rounds = {row["file"]: row for row in results["rounds"]}
    assert all(len(row["uploads"]) == 3 for row in rounds.values())
    outcomes = {title: {u["outcome"] for u in row["uploads"]} for title, row in rounds.items()}
    assert outcomes["2,000 columns (XLSX)"] == {
        "The spreadsheet has 2,000 columns; a chronology has 7. Remove the extra columns."
    }
    assert outcomes["entities in the sheet (billion laughs)"] == {
        "The file is not a readable XLSX spreadsheet."
    }
    assert outcomes["a cell of a million characters (CSV)"] == {
        "1 row of the file needs correcting. Nothing has been imported."
    }
    # 50 good rows at this size: imported by the web worker, three times.
    assert {u["status"] for u in rounds["5,000 good rows (CSV)"]["uploads"]} == {302}
    assert all(row["healthz"]["asked"] >= 1 for row in rounds.values())
    assert {u["status"] for row in rounds.values() for u in row["uploads"]} <= {200, 302}
    # At this size only a file with more to read than a web worker reads itself (the longest
    # cells, a sheet that unpacks large) goes to a worker, never one for its rows or its texts.
    sent = set(ChronologyImport.objects.values_list("document__original_name", flat=True))
    assert sent <= {"longest.csv", "longest.xlsx", "bomb.xlsx"}, sent
