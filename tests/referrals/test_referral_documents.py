"""Documents on a referral: type from content, size limit, private storage, audited downloads."""

from html import escape
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.fixtures import Settings

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.documents.models import Document
from referrals import services
from referrals.models import Referral
from tests import files
from tests.conftest import Personas, sign_in
from tests.referrals.test_referral_services import ready_to_send


@pytest.fixture(autouse=True)
def private_storage(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def draft(personas: Personas) -> Referral:
    return services.create_referral(personas.belfast, by=personas.belfast_member)


@pytest.fixture
def member(client: Client, personas: Personas) -> Client:
    return sign_in(client, personas.belfast_member)


def post_file(client: Client, referral: Referral, name: str, content: bytes) -> str:
    response = client.post(
        f"/referrals/{referral.uuid}/documents/",
        {"file": files.upload(name, content), "description": "Typed description"},
    )
    return response.text if response.status_code == 200 else ""


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("notification.pdf", files.PDF, "application/pdf"),
        (
            "report.docx",
            files.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("report.odt", files.ODT, "application/vnd.oasis.opendocument.text"),
        (
            "chronology.xlsx",
            files.XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("photo.png", files.PNG, "image/png"),
        ("photo.jpeg", files.JPEG, "image/jpeg"),
        ("misnamed.exe", files.PDF, "application/pdf"),
    ],
)
def test_each_accepted_kind_is_kept_under_a_random_name(
    member: Client,
    draft: Referral,
    private_storage: Path,
    name: str,
    content: bytes,
    content_type: str,
) -> None:
    assert post_file(member, draft, name, content) == ""
    document = Document.objects.get()
    assert document.content_type == content_type
    assert document.original_name == name
    stored = Path(document.file.path)
    assert stored.is_relative_to(private_storage)
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT))
    assert name.split(".")[0] not in stored.name
    assert stored.read_bytes() == content
    assert AuditEvent.objects.filter(action="referral.document_added").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.pdf", files.HTML, "The selected file must be a PDF, DOCX, ODT, XLSX, PNG or JPEG"),
        ("empty.pdf", b"", "The selected file is empty"),
        (
            "archive.pdf",
            files.office_zip([("a.txt", "x")]),
            "The selected file must be a PDF, DOCX, ODT, XLSX, PNG or JPEG",
        ),
    ],
)
def test_other_files_are_refused_with_a_message(
    member: Client, draft: Referral, name: str, content: bytes, message: str
) -> None:
    page = post_file(member, draft, name, content)
    assert message in page
    assert 'value="Typed description"' in page
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused(
    member: Client, draft: Referral, settings: Settings
) -> None:
    settings.DOCUMENT_MAX_BYTES = 1024
    page = post_file(member, draft, "big.pdf", files.PDF + b"0" * 2048)
    assert "The selected file must be smaller than 1 KB" in page
    assert not Document.objects.exists()


def test_downloads_are_attachments_for_those_who_may_see_the_referral(
    member: Client, draft: Referral, personas: Personas
) -> None:
    post_file(member, draft, "notification.pdf", files.PDF)
    attached = draft.documents.get()
    url = f"/referrals/{draft.uuid}/documents/{attached.uuid}/"
    response = member.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="notification.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == files.PDF  # type: ignore[attr-defined]
    downloads = AuditEvent.objects.filter(action="referral.document_downloaded")
    assert downloads.get().actor == personas.belfast_member

    for outsider in (personas.western_member, personas.sbni_officer):
        assert sign_in(Client(), outsider).get(url).status_code == 404
    ready_to_send(draft, personas.belfast_member)
    services.submit_referral(draft, by=personas.belfast_member)
    assert sign_in(Client(), personas.sbni_officer).get(url).status_code == 200
    assert downloads.count() == 2


def test_documents_are_removed_only_from_a_draft(
    member: Client, draft: Referral, personas: Personas
) -> None:
    post_file(member, draft, "one.pdf", files.PDF)
    post_file(member, draft, "two.pdf", files.PDF)
    first, second = draft.documents.all()
    assert member.post(f"/referrals/{draft.uuid}/documents/{first.uuid}/remove/").status_code == 302
    assert list(draft.documents.all()) == [second]
    ready_to_send(draft, personas.belfast_member)
    services.submit_referral(draft, by=personas.belfast_member)
    member.post(f"/referrals/{draft.uuid}/documents/{second.uuid}/remove/")
    assert list(draft.documents.all()) == [second]


@pytest.mark.parametrize(
    ("name", "content", "downloaded_as", "content_type"),
    [
        # A PDF followed by a page with a script, named to be opened in a browser.
        (
            "report.html",
            files.PDF + b"<html><script>alert('fictional')</script></html>",
            "report.html.pdf",
            "application/pdf",
        ),
        ("misnamed.exe", files.PDF, "misnamed.exe.pdf", "application/pdf"),
        ("scan", files.PDF, "scan.pdf", "application/pdf"),
        ("NOTES.PDF", files.PDF, "NOTES.PDF", "application/pdf"),
        ("photo.jpg", files.PNG, "photo.jpg.png", "image/png"),
        ("photo.JPEG", files.JPEG, "photo.JPEG", "image/jpeg"),
        ("report.pdf", files.DOCX, "report.pdf.docx", files.DOCX_TYPE),
        ("chronology.svg", files.XLSX, "chronology.svg.xlsx", files.XLSX_TYPE),
    ],
)
def test_a_download_is_named_as_what_its_bytes_are(
    member: Client,
    draft: Referral,
    name: str,
    content: bytes,
    downloaded_as: str,
    content_type: str,
) -> None:
    assert post_file(member, draft, name, content) == ""
    attached = draft.documents.get()
    assert attached.document.original_name == name
    response = member.get(f"/referrals/{draft.uuid}/documents/{attached.uuid}/")
    assert response["Content-Disposition"] == f'attachment; filename="{downloaded_as}"'
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a" * 300 + ".pdf", "The file's name must be 200 characters or fewer. It has 255 or more"),
        ("b" * 197 + ".pdf", "The file's name must be 200 characters or fewer. It has 201"),
        ("caf\ufffd.pdf", "The file's name has characters that cannot be read"),
    ],
)
def test_a_name_that_cannot_be_kept_whole_is_refused(
    member: Client, draft: Referral, name: str, message: str
) -> None:
    page = post_file(member, draft, name, files.PDF)
    assert escape(message) in page
    assert 'value="Typed description"' in page
    assert not Document.objects.exists()
