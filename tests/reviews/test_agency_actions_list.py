"""An agency contact's open actions, a page at a time without counting them all."""

import datetime

from django.test import Client

from reviews.models import Action, Review
from tests.conftest import Personas, sign_in
from tests.reviews import flow


def test_the_open_actions_come_25_a_page_in_date_order(personas: Personas) -> None:
    review = flow.drafted(personas)
    Review.objects.filter(pk=review.pk).update(stage=Review.Stage.FOLLOW_UP)
    first = Action.objects.get(recommendation__review=review)
    start = datetime.date(2027, 1, 4)
    Action.objects.bulk_create(
        Action(
            recommendation=first.recommendation,
            agency=first.agency,
            owner="Fictional post",
            description=f"Fictional action number {n:02d}",
            due_date=start + datetime.timedelta(days=n),
            measure="Fictional measure",
            status=Action.Status.VERIFIED if n % 10 == 9 else Action.Status.ON_TRACK,
        )
        for n in range(30)
    )
    # 30 more, 3 of them verified (9, 19, 29): 28 open with the first, due before them all, so
    # that page one ends at number 25.
    Action.objects.filter(pk=first.pk).update(due_date=start - datetime.timedelta(days=1))
    contact = sign_in(Client(), personas.agency_contact)

    page_one = contact.get("/reviews/").content.decode()
    assert page_one.count("/actions/") == 25
    assert first.description[:20] in page_one
    assert "Fictional action number 25" in page_one
    assert "Fictional action number 26" not in page_one
    assert "?actions=2" in page_one
    assert "Page 1<" in page_one

    page_two = contact.get("/reviews/?actions=2").content.decode()
    assert page_two.count("/actions/") == 3
    assert "Fictional action number 26" in page_two
    assert "Fictional action number 28" in page_two
    assert "Fictional action number 29" not in page_two  # verified: done
    assert "?actions=1" in page_two
    assert "?actions=3" not in page_two

    nonsense = contact.get("/reviews/?actions=nonsense").content.decode()
    assert "Fictional action number 25" in nonsense
    assert "?actions=2" in nonsense


def test_the_verified_actions_are_a_link_away(personas: Personas) -> None:
    review = flow.drafted(personas)
    Review.objects.filter(pk=review.pk).update(stage=Review.Stage.FOLLOW_UP)
    action = Action.objects.get(recommendation__review=review)
    contact = sign_in(Client(), personas.agency_contact)
    assert "?done=yes" in contact.get("/reviews/").content.decode()
    assert "have been verified yet" in contact.get("/reviews/?done=yes").content.decode()

    Action.objects.filter(pk=action.pk).update(status=Action.Status.VERIFIED)
    Review.objects.filter(pk=review.pk).update(stage=Review.Stage.CLOSED)
    still_to_do = contact.get("/reviews/").content.decode()
    assert f"/actions/{action.uuid}/" not in still_to_do
    verified = contact.get("/reviews/?done=yes").content.decode()
    assert "Verified actions of your agency" in verified
    assert f"/actions/{action.uuid}/" in verified
    assert contact.get(f"/reviews/{review.uuid}/actions/{action.uuid}/").status_code == 200
