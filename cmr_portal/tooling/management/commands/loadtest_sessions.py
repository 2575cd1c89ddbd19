"""Signed-in sessions and the pages each may see, for the load test (``scripts/loadtest.sh``).

    python manage.py loadtest_sessions --users 100 --output var/loadtest/sessions.tsv
    python manage.py loadtest_sessions --sign-out --output var/loadtest/sessions.tsv

Picks active people by what they do, not by name: the SBNI's staff (a fifth), lead reviewers of
open reviews (a fifth) and members of panels (the rest). Signs each in with both factors, as the
sign-in and verify pages would leave them, and writes one line per page that person may see:
kind, person's id, session key, path. The lines take the people in turn, so that a load test
reading them in order keeps every session busy. Each page is first asked for once with its
session, through the whole stack, and the command fails rather than write a page that does not
answer 200.

Only fictional people are signed in: those whose address is at a domain reserved for examples
(RFC 2606 and RFC 6761), such as the demo's and the scale data's. The file holds live sessions:
it is readable by its owner only, and ``--sign-out`` ends them and removes it. Viewing a page
leaves an audit event, as it always does: run this on a database kept for load tests.
"""

import os
import uuid
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F, Q
from django.test import Client
from django.urls import reverse

from cmr_portal.tooling.benchmarks import session_store, signed_in_session
from panels.models import SBNI_STAFF, Membership, User
from referrals.models import Referral
from reviews.models import Review, ReviewMember

DEFAULT_OUTPUT = "var/loadtest/sessions.tsv"
# Domains no real person can have an address at (RFC 2606, RFC 6761).
RESERVED_DOMAINS = ("example.org", "example.com", "example.net", "example", "invalid", "test")
# Referrals offered to each kind, so that the sessions do not all read the same one.
REFERRAL_CHOICE = 50


@dataclass
class Visitor:
    """One signed-in session: who, of which kind, and the pages they look at."""

    kind: str
    user: User
    paths: list[str]
    session_key: str = field(default="")


def fictional(email_field: str = "email") -> Q:
    """Addresses at a domain reserved for examples, so never a real person's."""
    return reduce(
        or_,
        (
            Q(**{f"{email_field}__iendswith": f"{separator}{domain}"})
            for domain in RESERVED_DOMAINS
            for separator in ("@", ".")
        ),
    )


def sbni_staff(wanted: int, taken: set[int]) -> list[Visitor]:
    """SBNI officers, the CMR Panel and the SBNI Chair: the queue, a sent referral, its history."""
    sent = list(
        Referral.objects.filter(submitted_at__isnull=False)
        .order_by("-submitted_at", "-id")
        .values_list("uuid", flat=True)[:REFERRAL_CHOICE]
    )
    if wanted and not sent:
        raise CommandError("No referral has been sent to the SBNI yet, so its staff have none.")
    people = (
        User.objects.filter(is_active=True, groups__name__in=SBNI_STAFF)
        .filter(fictional())
        .exclude(pk__in=taken)
        .distinct()
        .order_by("id")[:wanted]
    )
    visitors = []
    for n, user in enumerate(people):
        referral = sent[n % len(sent)]
        paths = [
            reverse("referrals:queue"),
            reverse("referrals:overview", args=[referral]),
            reverse("referrals:history", args=[referral]),
        ]
        visitors.append(Visitor("sbni", user, paths))
    return visitors


def lead_reviewers(wanted: int, taken: set[int]) -> list[Visitor]:
    """The leads of open reviews: the review's workspace and one of its findings sections."""
    leads = (
        ReviewMember.objects.filter(
            role=ReviewMember.Role.LEAD, user__is_active=True, review__status=Review.Status.OPEN
        )
        .filter(fictional("user__email"))
        .exclude(user__in=taken)
        .select_related("user", "review")
        .order_by("user_id", "-review__opened_at", "id")
    )
    visitors: list[Visitor] = []
    for lead in leads.iterator():
        if len(visitors) == wanted:
            break
        if visitors and visitors[-1].user.pk == lead.user_id:
            continue  # the first, latest, review of each lead is enough
        review = lead.review
        paths = [reverse("reviews:review", args=[review.uuid])]
        keys = list(review.sections.order_by("id").values_list("key", flat=True))
        if keys:
            key = keys[len(visitors) % len(keys)]
            paths.append(reverse("reviews:section", args=[review.uuid, key]))
        visitors.append(Visitor("lead", lead.user, paths))
    return visitors


def panel_members(wanted: int, taken: set[int]) -> list[Visitor]:
    """Members of active panels: their referral list, filtered, and one of their panel's
    referrals (when it has any), sent ones first."""
    memberships = (
        Membership.objects.filter(user__is_active=True, panel__active=True)
        .filter(fictional("user__email"))
        .exclude(user__in=taken)
        .select_related("user")
        .order_by("user_id", "id")
    )
    referrals: dict[int, list[uuid.UUID]] = {}
    visitors: list[Visitor] = []
    for membership in memberships.iterator():
        if len(visitors) == wanted:
            break
        if visitors and visitors[-1].user.pk == membership.user_id:
            continue  # one panel is enough for someone on several
        if membership.panel_id not in referrals:
            referrals[membership.panel_id] = list(
                Referral.objects.filter(panel_id=membership.panel_id)
                .order_by(F("submitted_at").desc(nulls_last=True), "-id")
                .values_list("uuid", flat=True)[:REFERRAL_CHOICE]
            )
        own = referrals[membership.panel_id]
        paths = [
            reverse("referrals:list"),
            reverse("referrals:list") + "?status=submitted",
            reverse("referrals:list") + "?status=decided&sort=sent",
        ]
        if own:
            paths.append(reverse("referrals:overview", args=[own[len(visitors) % len(own)]]))
        visitors.append(Visitor("panel", membership.user, paths))
    return visitors


def choose(users: int, reuse: bool) -> list[Visitor]:
    """A fifth SBNI staff, a fifth lead reviewers, the rest panel members; nobody twice unless
    ``reuse`` lets a kind with too few people sign some in more than once."""
    shares = {"sbni": round(users / 5), "lead": round(users / 5)}
    shares["panel"] = users - sum(shares.values())
    kinds = {
        "sbni": ("SBNI staff", sbni_staff),
        "lead": ("lead reviewers of open reviews", lead_reviewers),
        "panel": ("panel members", panel_members),
    }
    taken: set[int] = set()
    chosen: list[Visitor] = []
    for kind, (label, find) in kinds.items():
        wanted = shares[kind]
        people = find(wanted, taken) if wanted else []
        if len(people) < wanted and not (reuse and people):
            raise CommandError(
                f"{users} users need {wanted} {label}, and this database has "
                f"{len(people)} (active, fictional, not counted as another kind). "
                "Ask for fewer --users, fill the database with generate_scale_data, "
                "or allow --reuse-users."
            )
        taken.update(visitor.user.pk for visitor in people)
        for n in range(wanted):
            person = people[n % len(people)]
            paths = [*person.paths, reverse("notifications:centre")]
            chosen.append(Visitor(kind, person.user, paths))
    return chosen


def check_pages(visitor: Visitor) -> None:
    """Ask for each page once with the visitor's session; anything but a 200 stops the command."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = visitor.session_key
    for path in visitor.paths:
        status = client.get(path).status_code
        if status != 200:
            raise CommandError(
                f"{path} answered {status}, not 200, for user {visitor.user.pk} "
                f"({visitor.kind}). Nothing was written."
            )


def lines(visitors: list[Visitor]) -> list[str]:
    """One line per page, the visitors in turn: each one's first page, then each one's second."""
    rounds = max(len(visitor.paths) for visitor in visitors)
    return [
        f"{visitor.kind}\t{visitor.user.pk}\t{visitor.session_key}\t{visitor.paths[n]}\n"
        for n in range(rounds)
        for visitor in visitors
        if n < len(visitor.paths)
    ]


def write(output: Path, visitors: list[Visitor]) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    # Live sessions: readable by their owner only, from the moment the file exists.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(
            "# Live sessions of fictional people for scripts/loadtest.lua, written by "
            "manage.py loadtest_sessions. End them with --sign-out.\n"
            f"# cookie\t{settings.SESSION_COOKIE_NAME}\n"
            "# kind\tperson\tsession\tpath\n"
        )
        file.writelines(lines(visitors))
    partial.replace(output)


def session_keys(output: Path) -> set[str]:
    """The session keys in a file this command wrote."""
    with output.open(encoding="utf-8") as file:
        return {line.split("\t")[2] for line in file if line.strip() and not line.startswith("#")}


class Command(BaseCommand):
    help = "Sign fictional people in and write the pages each may see, for scripts/loadtest.sh."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=100, help="signed-in sessions")
        parser.add_argument("--output", default=DEFAULT_OUTPUT, help="the file to write")
        parser.add_argument(
            "--reuse-users",
            action="store_true",
            help="sign some people in more than once (as in a second browser) when a kind has "
            "too few, as in the demo data",
        )
        parser.add_argument(
            "--sign-out",
            action="store_true",
            help="end the sessions listed in --output and remove the file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if options["sign_out"]:
            self.sign_out(output)
            return
        if options["users"] < 1:
            raise CommandError("--users must be at least 1.")
        visitors = choose(options["users"], options["reuse_users"])
        store = session_store()
        try:
            for visitor in visitors:
                visitor.session_key = signed_in_session(visitor.user)
                check_pages(visitor)
        except BaseException:
            for visitor in visitors:
                if visitor.session_key:
                    store(session_key=visitor.session_key).delete()
            raise
        write(output, visitors)
        kinds = {kind: sum(v.kind == kind for v in visitors) for kind in ("panel", "sbni", "lead")}
        pages = sum(len(visitor.paths) for visitor in visitors)
        people = len({visitor.user.pk for visitor in visitors})
        self.stdout.write(
            f"Signed in {len(visitors)} sessions of {people} people ({kinds['panel']} panel "
            f"members, {kinds['sbni']} SBNI staff, {kinds['lead']} lead reviewers); each of "
            f"their {pages} pages answered 200. Written to {output}."
        )

    def sign_out(self, output: Path) -> None:
        if not output.exists():
            raise CommandError(f"{output} does not exist: there are no sessions to end.")
        keys = session_keys(output)
        store = session_store()
        for key in keys:
            store(session_key=key).delete()
        output.unlink()
        self.stdout.write(f"Ended {len(keys)} sessions and removed {output}.")
