"""The audit trail is append-only: in the app, in the admin and in the database itself."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory

from cmr_portal.kernel.audit.models import AuditEvent, AuditEventImmutable
from cmr_portal.kernel.audit.services import record
from panels.models import User
from tests.conftest import sign_in
from tests.factories import UserFactory


@pytest.fixture
def event(user: User) -> AuditEvent:
    return record(
        "test.happened",
        actor=user,
        summary="A fictional thing happened",
        target=user,
        changes={"job_title": ["Before", "After"]},
    )


def test_record_keeps_who_what_when_and_which(event: AuditEvent, user: User) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == user
    assert stored.action == "test.happened"
    assert stored.target_type == "panels.user"
    assert stored.target_id == str(user.pk)
    assert stored.changes == {"job_title": ["Before", "After"]}
    assert stored.created_at is not None


def test_record_takes_the_address_from_the_request(user: User, rf: RequestFactory) -> None:
    request = rf.get("/", REMOTE_ADDR="192.0.2.10")
    event = record("test.viewed", actor=user, summary="Viewed", request=request)
    assert AuditEvent.objects.get(pk=event.pk).ip_address == "192.0.2.10"


def test_an_event_cannot_be_changed_through_the_model(event: AuditEvent) -> None:
    event.summary = "Rewritten"
    with pytest.raises(AuditEventImmutable):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).summary == "A fictional thing happened"


def test_an_event_cannot_be_deleted_through_the_model(event: AuditEvent) -> None:
    with pytest.raises(AuditEventImmutable):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_changed_or_deleted_in_bulk(event: AuditEvent) -> None:
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(summary="Rewritten")
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "A fictional thing happened"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET summary = 'Rewritten' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_update_and_delete(event: AuditEvent, statement: str) -> None:
    assert connection.vendor == "postgresql"
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "A fictional thing happened"


def test_the_admin_shows_events_but_cannot_change_or_delete_them(
    client: Client, event: AuditEvent
) -> None:
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    sign_in(client, admin)
    change_url = f"/admin/audit/auditevent/{event.pk}/change/"
    assert client.get("/admin/audit/auditevent/").status_code == 200
    page = client.get(change_url)
    assert page.status_code == 200
    assert b"A fictional thing happened" in page.content
    assert b'name="_save"' not in page.content
    assert client.post(change_url, {"summary": "Rewritten"}).status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).summary == "A fictional thing happened"
