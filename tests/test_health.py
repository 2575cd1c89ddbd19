"""The health check answers for the database and the broker, and names what failed."""

import pytest
from django.test import Client

from tests.conftest import RedisServer


@pytest.mark.django_db
def test_healthy_when_the_database_and_the_broker_answer(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_unavailable_naming_the_broker_when_redis_is_down(
    client: Client, broker_to_stop: RedisServer
) -> None:
    assert client.get("/healthz").status_code == 200
    broker_to_stop.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable: broker",
        "database": "ok",
        "broker": "unavailable",
    }


@pytest.mark.django_db
def test_needs_no_sign_in_and_is_never_cached(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
