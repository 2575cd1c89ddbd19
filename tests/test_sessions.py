"""Sessions end after 30 minutes idle or 12 hours in all (both configurable)."""

import time

from django.test import Client, override_settings

from panels.middleware import LAST_SEEN, SIGNED_IN_AT
from panels.models import User
from tests.conftest import sign_in


def signed_in_since(client: Client, user: User, key: str, seconds_ago: float) -> None:
    """Sign in, make a first request, then wind one of the session's clocks back."""
    sign_in(client, user)
    assert client.get("/panels/").status_code == 200
    session = client.session
    session[key] = time.time() - seconds_ago
    session.save()


def test_a_session_ends_after_the_idle_timeout(client: Client, user: User) -> None:
    signed_in_since(client, user, LAST_SEEN, 31 * 60)
    response = client.get("/panels/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")
    assert "inactive" in client.get(response["Location"]).text


def test_activity_keeps_a_session_alive(client: Client, user: User) -> None:
    signed_in_since(client, user, LAST_SEEN, 29 * 60)
    assert client.get("/panels/").status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5


def test_a_session_ends_after_its_absolute_lifetime_however_active(
    client: Client, user: User
) -> None:
    signed_in_since(client, user, SIGNED_IN_AT, 12 * 60 * 60 + 1)
    response = client.get("/panels/")
    assert response["Location"].startswith("/sign-in/?next=")
    assert "reached its limit" in client.get(response["Location"]).text


@override_settings(SESSION_IDLE_TIMEOUT=5 * 60)
def test_the_idle_timeout_is_configurable(client: Client, user: User) -> None:
    signed_in_since(client, user, LAST_SEEN, 6 * 60)
    assert client.get("/panels/").status_code == 302
