"""Every URL pattern of the project, by name and route, read from the resolver."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str  # the pieces of the pattern joined: "panels/<str:code>/", "admin/^(?P<...>)$"


def all_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(entries: list[URLPattern | URLResolver], route: str, namespace: str) -> None:
        for entry in entries:
            text = route + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, text, inner)
            else:
                name = f"{namespace}{entry.name}" if entry.name else f"(unnamed) {text}"
                found.append(Pattern(name=name, route=text))

    walk(get_resolver().url_patterns, "", "")
    return found
