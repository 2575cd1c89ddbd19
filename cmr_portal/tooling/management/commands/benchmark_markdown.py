"""A benchmark, not a test: what people type, at its most hostile, through every step that
turns it into printed text.

    python manage.py benchmark_markdown --size 100000

Each input (``size`` characters, the longest a findings section may be, unless said otherwise)
goes through ``drafting.render`` (cmark-gfm, then nh3), then, as in the publication version,
through the pseudonym map (``anonymise.anonymise_html``) and the check of the printed text
(``anonymise.places``). A 1 MB line goes through too, ten times the limit of a section, to show
that the time grows in step with the text. Prints JSON: for each input its length, the HTML's
length and the seconds of each step. Reads and writes no data.
"""

import json
import os
import platform
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reviews import anonymise, drafting

# A fictional map, the issue's own example.
PAIRS = [("Seán", "Sibling 1"), ("Tommy", "Child A"), ("O'Neill", "Grandfather")]


def inputs(size: int) -> dict[str, str]:
    """Hostile Markdown of about ``size`` characters each, by name."""

    def repeat(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        "opening brackets": repeat("["),
        "image openings": repeat("!["),
        "unclosed links": repeat("[a]("),
        "asterisks": repeat("*"),
        "emphasis runs": repeat("*a"),
        "underscores": repeat("_a"),
        "backticks": repeat("`"),
        "backtick runs": repeat("`a``"),
        "nested quotes": ">" * max(1, size - 6) + " Tommy",
        "nested lists": "".join("  " * (n % 200) + "- Tommy\n" for n in range(max(1, size // 220))),
        "angle brackets and ampersands": repeat("<&"),
        "a table": "| a | b |\n|---|---|\n" + repeat("| Tom**my** | O'Neill |\n"),
        "names everywhere": repeat("Sea\u0301n Tom\u00admy O\u2019Neill "),
        "one line of 1 MB": ("Fictional text with Tommy in it. " * 40_000)[:1_000_000],
    }


def timed(step: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = step()
    return result, round(time.perf_counter() - started, 3)


class Command(BaseCommand):
    help = "Time hostile Markdown through rendering, the pseudonym map and its check."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size", type=int, default=drafting.MAX_SECTION_CHARACTERS, help="characters"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        results: dict[str, Any] = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "size": options["size"],
            "inputs": {},
        }
        for name, text in inputs(options["size"]).items():
            html, render_seconds = timed(partial(drafting.render, text))
            anonymised, anonymise_seconds = timed(partial(anonymise.anonymise_html, html, PAIRS))
            found, check_seconds = timed(
                partial(anonymise.places, anonymise.printed_text(anonymised), PAIRS)
            )
            results["inputs"][name] = {
                "characters": len(text),
                "html_characters": len(html),
                "render_seconds": render_seconds,
                "anonymise_seconds": anonymise_seconds,
                "check_seconds": check_seconds,
                "names_left": len(found),
            }
        self.stdout.write(json.dumps(results, indent=2))
