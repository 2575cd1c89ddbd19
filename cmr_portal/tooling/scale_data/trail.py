"""What people were told and what they did: the notifications in their lists and the audit
trail."""

import datetime
from collections.abc import Iterable

from cmr_portal.kernel.audit.models import AuditEvent
from cmr_portal.kernel.notifications.models import Notification
from cmr_portal.tooling.scale_data.base import AUDIT_EVENTS, NOTIFICATIONS_PER_USER, Part
from panels.models import SbniRole
from referrals.models import Referral
from reviews.models import Review

REFERRAL_ACTIONS = [
    "referral.updated",
    "referral.viewed",
    "referral.viewed",
    "referral.acknowledged",
]
REVIEW_ACTIONS = ["review.viewed", "review.findings_saved", "review.exported"]


class Trail(Part):
    """Notifications for everyone (the latest five unread) and the audit trail on referrals and
    reviews."""

    def write(self) -> None:
        """Write the notifications, then the audit events."""
        self.notifications()
        self.audit_events()

    def notifications(self) -> None:
        state = self.state
        everyone = [person.id for group in state.people.values() for person in group]
        span = (state.now - state.start).total_seconds()

        def rows() -> Iterable[tuple[object, ...]]:
            for user in everyone:
                for n in range(NOTIFICATIONS_PER_USER):
                    created = state.start + datetime.timedelta(seconds=state.rng.uniform(0, span))
                    unread = n < 5
                    yield (
                        user,
                        "Fictional: a referral needs your attention",
                        "/referrals/",
                        created,
                        None if unread else created,
                        created,
                        1,
                    )

        state.copier.copy(
            Notification,
            "recipient message url created_at read_at emailed_at email_attempts",
            rows(),
        )

    def audit_events(self) -> None:
        """The trail: most events on referrals (changes, views, the SBNI's steps), the rest on
        reviews, each after its record was made."""
        state = self.state
        total = state.count(AUDIT_EVENTS)
        review_share = total // 5
        referral_label = Referral._meta.label_lower
        review_label = Review._meta.label_lower
        referrals = state.referral_rows
        reviews = state.review_rows
        panel_people = [p.id for p in state.people["panel"]]
        sbni = [p.id for kind in SbniRole.values for p in state.people.get(kind, [])]

        def rows() -> Iterable[tuple[object, ...]]:
            rng = state.rng
            for n in range(total):
                if n < review_share and reviews:
                    pk, _, opened, _ = reviews[n % len(reviews)]
                    target, since = (review_label, pk), opened
                    action, actor = rng.choice(REVIEW_ACTIONS), state.leads[pk]
                else:
                    row = referrals[n % len(referrals)]
                    target, since = (referral_label, row.id), row.created
                    action = rng.choice(REFERRAL_ACTIONS)
                    actor = rng.choice(sbni if action == "referral.acknowledged" else panel_people)
                yield (
                    actor,
                    action,
                    target[0],
                    target[1],
                    f"Fictional: {action} on record {target[1]}",
                    {},
                    "127.0.0.1",
                    state.moment(since, 400),
                )

        state.copier.copy(
            AuditEvent,
            "actor action target_type target_id summary changes ip_address created_at",
            rows(),
        )
