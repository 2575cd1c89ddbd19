"""Who may act on a case: the one place the portal reads object permissions.

A panel's members hold django-guardian permissions on the ``Panel``, a review's team on the
``Review``, granted and revoked only by the membership and review-team services, always to one
user on one record. Every decision about a case reads those grants through the two functions here,
which consult neither ``is_superuser`` nor a permission granted model-wide in the admin: a
superuser, or someone granted ``reviews.see_review`` for every review, sees no case by it.
Superusers may use the admin site, nothing more (issue 15, item 1).

``User.has_perm(perm, obj)`` answers through ``holds``. Guardian's own shortcuts, which let
superusers and model-wide grants through by default, are imported nowhere else (ruff's banned-api
rule says so); grants are written only through ``grant`` and ``revoke``, and read for many
people at once only through ``holders_of``.
"""

from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, Model, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from cmr_portal.kernel.prepared import PreparedQuery

if TYPE_CHECKING:
    from panels.models import User

M = TypeVar("M", bound=Model)
# (content type id, object primary key as text, permission codename)
Grant = tuple[int, str, str]

# A person's grants, read once per request: compiled once (issue 18).
GRANTS = PreparedQuery(
    UserObjectPermission,
    lambda user_pk: (
        UserObjectPermission.objects.filter(user_id=user_pk)
        .annotate(codename=F("permission__codename"))
        .only("content_type_id", "object_pk")
    ),
)


# The name of the annotation ``grants_with_person`` adds: read in the request's one user query.
READ_WITH_PERSON = "portal_grants"


def grants_with_person() -> dict[str, Subquery]:
    """For ``User.objects.for_requests``: each person's grants read with them, as texts
    ``"<content type id>:<object key>:<codename>"``, so that a request reads its person's grants
    in the query that reads the person (PostgreSQL's arrays; on other databases nothing is added
    and ``grants`` reads them in a query of their own)."""
    if connection.vendor != "postgresql":
        return {}
    each = (
        UserObjectPermission.objects.filter(user_id=OuterRef("pk"))
        .order_by()
        .annotate(
            grant=Concat(
                Cast("content_type_id", TextField()),
                Value(":"),
                "object_pk",
                Value(":"),
                "permission__codename",
                output_field=TextField(),
            )
        )
        .values("grant")
    )
    return {READ_WITH_PERSON: ArraySubquery(each)}


def grants(user: "User") -> frozenset[Grant]:
    """Every object permission granted to ``user``: read with the person for a request
    (``grants_with_person``), else in one query; then kept on the user object."""
    cached: frozenset[Grant] | None = getattr(user, "_portal_grants", None)
    if cached is None:
        read: list[str] | None = getattr(user, READ_WITH_PERSON, None)
        if read is not None:
            cached = frozenset(_grant(text) for text in read)
        else:
            rows = GRANTS.all(user.pk) if user.pk is not None else []
            cached = frozenset(
                (row.content_type_id, row.object_pk, row.codename)  # type: ignore[attr-defined]
                for row in rows
            )
        user._portal_grants = cached  # type: ignore[attr-defined]
    return cached


def _grant(text: str) -> Grant:
    """``"12:34:see_review"`` as ``(12, "34", "see_review")``."""
    content_type, rest = text.split(":", 1)
    object_pk, codename = rest.rsplit(":", 1)
    return int(content_type), object_pk, codename


def _forget_grants(user: "User") -> None:
    """After a change of ``user``'s grants: read them again when next asked."""
    user.__dict__.pop("_portal_grants", None)
    user.__dict__.pop(READ_WITH_PERSON, None)


def grant(user: "User", perm: str, obj: Model) -> None:
    """Grant ``perm`` on ``obj`` to ``user`` (for the membership and review-team services)."""
    assign_perm(perm, user, obj)
    _forget_grants(user)


def revoke(user: "User", perm: str, obj: Model) -> None:
    """Take ``perm`` on ``obj`` away from ``user``; nothing if they do not hold it."""
    remove_perm(perm, user, obj)
    _forget_grants(user)


def holders_of(perm: str, model: type[Model]) -> dict[str, list[int]]:
    """Who holds ``perm`` on each record of ``model`` through a grant, active people only: the
    record's primary key as text -> the holders' user ids. One query for every record."""
    codename = perm.rsplit(".", 1)[-1]
    held: dict[str, list[int]] = {}
    for object_pk, user_pk in UserObjectPermission.objects.filter(
        permission__codename=codename,
        content_type=ContentType.objects.get_for_model(model),
        user__is_active=True,
    ).values_list("object_pk", "user_id"):
        held.setdefault(object_pk, []).append(user_pk)
    return held


def holds(user: "User", perm: str, obj: Model) -> bool:
    """Whether ``user`` holds ``perm`` (``"reviews.see_review"`` or ``"see_review"``) on ``obj``
    through a grant of the portal's services."""
    codename = perm.rsplit(".", 1)[-1]
    content_type = ContentType.objects.get_for_model(obj)
    return user.is_active and (content_type.pk, str(obj.pk), codename) in grants(user)


def granted(user: "User", perm: str, model: type[Model]) -> list[int]:
    """The primary keys of the records of ``model`` on which ``user`` holds ``perm`` through a
    grant, read from ``grants`` (no query once read for the request): ``objects_for`` without
    the records, for a page that needs only to filter by them."""
    if not user.is_active:
        return []
    codename = perm.rsplit(".", 1)[-1]
    content_type = ContentType.objects.get_for_model(model).pk
    return sorted(
        int(object_pk)
        for type_pk, object_pk, held in grants(user)
        if type_pk == content_type and held == codename
    )


def objects_for(user: "User", perm: str, model: type[M]) -> QuerySet[M]:
    """The records of ``model`` on which ``user`` holds ``perm`` through a grant: never all of
    them for a superuser, never by a model-wide permission. Their keys come from ``grants``
    (read once for the request), so the query names them rather than asking for a subquery."""
    return model._default_manager.filter(pk__in=granted(user, perm, model))


def signed_in_user(request: HttpRequest) -> "User":
    """The signed-in user of a request; LoginRequiredMiddleware has already turned everyone else
    away (an ``AssertionError`` here means a view was opened to anonymous visitors)."""
    user = request.user
    assert isinstance(user, get_user_model())
    return user
