"""The Markdown benchmark (docs/performance.md), run tiny so that it cannot rot."""

import io
import json

from django.core.management import call_command

from cmr_portal.tooling.management.commands.benchmark_markdown import inputs


def test_the_markdown_benchmark_runs_every_hostile_input() -> None:
    out = io.StringIO()
    call_command("benchmark_markdown", size=200, stdout=out)
    figures = json.loads(out.getvalue())
    assert set(figures["inputs"]) == set(inputs(200))
    for name, result in figures["inputs"].items():
        assert result["html_characters"] > 0, name
        assert result["names_left"] == 0, name  # the map leaves no name in any of them
