"""What every request and response passes through, before and after the portal's own views.

- ``RequestCleaningMiddleware``: what a client sends is readable text before any view sees it.
- ``NoStoreMiddleware``: no page or file of the portal is kept by a browser or a proxy.
"""

import re
from collections.abc import Callable
from urllib.parse import parse_qsl

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_cache_control

# C0 control characters but tab, line feed and carriage return: invisible in text, refused by
# PostgreSQL (NUL) or by XML (the others), never meant.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _cleaned(data: QueryDict) -> QueryDict:
    """A copy of ``data`` with control characters taken out of every value and name."""
    if not any(CONTROL_CHARACTERS.search(key + "".join(data.getlist(key))) for key in data):
        return data
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(
            CONTROL_CHARACTERS.sub("", key), [CONTROL_CHARACTERS.sub("", v) for v in values]
        )
    cleaned._mutable = False
    return cleaned


def _is_utf8(raw: bytes) -> bool:
    """Whether URL-encoded data (a query string, a form) decodes as UTF-8, escapes included
    (Django would put U+FFFD for what does not, and the portal store it without a word)."""
    try:
        parse_qsl(raw.decode(), keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return False
    return True


def bad_request(request: HttpRequest, reason: str) -> HttpResponse:
    """The 400 page, saying in plain words what could not be read."""
    return render(request, "400.html", {"reason": reason}, status=400)


class RequestCleaningMiddleware:
    """Refuse, with a 400 page that says why, a request the portal cannot read as UTF-8 text
    (another character set declared, bytes that are not UTF-8); take control characters such as
    NUL out of the query string and the form data of every other request.

    The portal's pages are UTF-8 and browsers send their forms so: only a hand-made request meets
    the refusal, never a person's typing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.encoding and request.encoding.lower().replace("-", "") != "utf8":
            return bad_request(request, "The form was not sent as UTF-8 text.")
        if not _is_utf8(request.META.get("QUERY_STRING", "").encode("latin-1", "replace")):
            return bad_request(request, "The address has characters that are not UTF-8 text.")
        request.GET = _cleaned(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and request.content_type in FORM_TYPES:
            if request.content_type == FORM_TYPES[0] and not _is_utf8(request.body):
                return bad_request(request, "The form has characters that are not UTF-8 text.")
            request.POST = _cleaned(request.POST)  # type: ignore[assignment]
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page, PDF and download the portal makes, so that a
    case cannot be shown again from a shared computer's browser cache after signing out.
    (Static files are served before this, by WhiteNoise, and keep their long caching.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response
