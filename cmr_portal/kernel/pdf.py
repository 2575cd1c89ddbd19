"""Documents as PDFs: Django templates with print CSS, rendered by WeasyPrint.

WeasyPrint fetches only the portal's own static files: any other address (another server, a
file on disk, a data the template did not put there) is refused and left out of the document.
User text reaches the templates escaped, and Markdown only as nh3-cleaned HTML, so it can ask
for nothing.

The documents are tagged PDFs (PDF/UA-1): a structure tree of headings, paragraphs, lists and
tables, the language of ``<html lang>`` and the title of ``<title>``, so that screen readers read
them in order.
"""

import hashlib
import logging
import mimetypes
from typing import Any

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint.urls import (  # type: ignore[import-untyped]
    URLFetcher,
    URLFetcherResponse,
    URLFetchingError,
)

logger = logging.getLogger(__name__)

# The address the documents are rendered at: only its static files can be fetched.
BASE_URL = "https://cmr-portal.invalid/"
# WeasyPrint's name for a tagged PDF (PDF 1.7, ISO 14289-1) with its structure tree and metadata.
PDF_VARIANT = "pdf/ua-1"


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Fetches the portal's static files from disk; refuses every other address."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        static = BASE_URL + settings.STATIC_URL.lstrip("/")
        if url.startswith(static) and ".." not in url:
            found = finders.find(url.removeprefix(static).split("?")[0])
            if isinstance(found, str):
                with open(found, "rb") as file:
                    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, file.read(), headers={"Content-Type": content_type}
                    )
        logger.warning("A document asked for %s: refused", url[:200])
        raise URLFetchingError(f"Refused: {url[:200]}")


def render_html(template: str, context: dict[str, Any]) -> str:
    return render_to_string(
        template, {"protective_marking": settings.PROTECTIVE_MARKING, **context}
    )


def laid_out(html: str) -> Any:
    """The document laid out in pages (``.pages``, ``.write_pdf()``)."""
    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()


def written(document: Any) -> bytes:
    """A laid-out document (from ``laid_out``) written as a tagged PDF."""
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


def html_to_pdf(html: str) -> bytes:
    return written(laid_out(html))


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def content_hash(html: str) -> str:
    """What a rendered document is keyed by: the same HTML makes the same PDF."""
    return hashlib.sha256(html.encode()).hexdigest()
