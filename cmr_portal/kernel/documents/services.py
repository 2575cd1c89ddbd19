"""Checking and storing uploads, and serving them back only as attachments.

A file is what its bytes say it is, never what its name says: a download always carries the
content type read from its bytes, and a name whose extension is that type's: a PDF uploaded as
``report.html`` downloads as ``report.html.pdf``, so that it cannot become something else when
opened. The original name is kept as it was typed.
"""

from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from filetype import filetype

from cmr_portal.kernel.documents.models import Document

# The kinds of file the portal accepts, by what their content is, never by their name: the
# extension a download of each is given, and its name in messages.
ACCEPTED = {
    "application/pdf": ("pdf", "PDF"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx", "DOCX"),
    "application/vnd.oasis.opendocument.text": ("odt", "ODT"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx", "XLSX"),
    "image/png": ("png", "PNG"),
    "image/jpeg": ("jpg", "JPEG"),
}
_NAMES = [name for _, name in ACCEPTED.values()]
ACCEPTED_NAMES = ", ".join(_NAMES[:-1]) + " or " + _NAMES[-1]
# The extensions people's tools give each kind, beside the one a download is given.
ALSO_CALLED = {"jpg": {"jpeg", "jpe"}}
MAX_NAME_LENGTH = 200


class DocumentRefused(Exception):
    """The file cannot be kept; the message says why, in plain words."""


def megabytes(size: int) -> str:
    """A limit in words: 20 MB, or 512 KB below a megabyte."""
    if size < 1024 * 1024:
        return f"{size / 1024:g} KB"
    return f"{size / (1024 * 1024):g} MB"


def check_upload(upload: UploadedFile) -> str:
    """The content type read from the file's bytes, or DocumentRefused saying what is wrong."""
    size = upload.size or 0
    name = upload.name or ""
    if size == 0:
        raise DocumentRefused("The selected file is empty")
    # Django cuts longer names to 255 characters as it receives them: refuse those, whole.
    if len(name) > MAX_NAME_LENGTH:
        raise DocumentRefused(
            f"The file's name must be {MAX_NAME_LENGTH} characters or fewer. It has "
            f"{len(name):,}{' or more' if len(name) >= 255 else ''}: rename it and choose it again"
        )
    if "\ufffd" in name or any(ord(character) < 32 for character in name):
        raise DocumentRefused(
            "The file's name has characters that cannot be read. Rename it and choose it again"
        )
    if size > settings.DOCUMENT_MAX_BYTES:
        raise DocumentRefused(
            f"The selected file must be smaller than {megabytes(settings.DOCUMENT_MAX_BYTES)}"
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime not in ACCEPTED:
        raise DocumentRefused(f"The selected file must be a {ACCEPTED_NAMES} file")
    return str(kind.mime)


def download_name(document: Document) -> str:
    """The name a download carries: the original name with the extension of the type read from
    the file's bytes, whatever the name said (``report.html`` holding a PDF goes out as
    ``report.html.pdf``)."""
    name = PurePath(document.original_name or "document")
    said = name.suffix.lower().lstrip(".")
    if said in {document.extension, *ALSO_CALLED.get(document.extension, set())}:
        return name.name
    return f"{name.name}.{document.extension}"


def store_upload(upload: UploadedFile, *, by: AbstractBaseUser) -> Document:
    """Check the upload and keep it under a random name. Call inside the caller's transaction."""
    content_type = check_upload(upload)
    document = Document(
        original_name=upload.name or "document",
        content_type=content_type,
        extension=ACCEPTED[content_type][0],
        size=upload.size or 0,
        uploaded_by_id=by.pk,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    return document


def store_checked(
    upload: UploadedFile, *, content_type: str, extension: str, by: AbstractBaseUser
) -> Document:
    """Keep an upload whose content a domain app has read and checked itself (a chronology
    saved as text, which no file signature names), under a random name, for a worker to read.
    Call inside the caller's transaction."""
    upload.seek(0)
    document = Document(
        original_name=upload.name or "document",
        content_type=content_type,
        extension=extension,
        size=upload.size or 0,
        uploaded_by_id=by.pk,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    return document


def store_generated(
    content: bytes, *, name: str, by: AbstractBaseUser, content_type: str = "application/pdf"
) -> Document:
    """Keep a file the portal made (an exported report, a spreadsheet of figures) like an
    upload, under a random name. ``content_type`` is one of ``ACCEPTED`` (KeyError else)."""
    document = Document(
        original_name=name,
        content_type=content_type,
        extension=ACCEPTED[content_type][0],
        size=len(content),
        uploaded_by_id=by.pk,
    )
    document.file.save("generated", ContentFile(content), save=False)
    document.save()
    return document


def attachment(document: Document) -> FileResponse:
    """The file as a download, never shown in the browser, with its original name made to
    agree with its content type (``download_name``)."""
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=download_name(document),
        content_type=document.content_type,
    )
