"""Every URL pattern of the project, with a concrete URL to request for each."""

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# A sample value for each path converter and for each named group of a regex pattern.
SAMPLE_BY_CONVERTER = {"int": "1", "str": "sample", "slug": "sample", "path": "sample/path"}
SAMPLE_BY_GROUP = {
    "app_label": "panels",
    "object_id": "1",
    "content_type_id": "1",
    "url": "sample",
    "uidb64": "MQ",
    "token": "set-password",
}


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    url: str


def _sample(part: str) -> str:
    """Turn one pattern's text into a concrete piece of URL."""
    part = re.sub(
        r"<(?:(\w+):)?\w+>",
        lambda m: str(uuid.uuid4()) if m[1] == "uuid" else SAMPLE_BY_CONVERTER[m[1] or "str"],
        part,
    )
    part = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_BY_GROUP[m[1]], part)
    return part.removeprefix("^").removesuffix("$").replace("\\", "")


def all_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(entries: list[URLPattern | URLResolver], route: str, url: str, namespace: str) -> None:
        for entry in entries:
            pattern = entry.pattern
            assert isinstance(pattern, RoutePattern | RegexPattern)
            text = str(pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, route + text, url + _sample(text), inner)
            else:
                full = route + text
                name = f"{namespace}{entry.name}" if entry.name else f"(unnamed) {full}"
                found.append(Pattern(name=name, route=full, url=url + _sample(text)))

    walk(get_resolver().url_patterns, "", "/", "")
    return found
