"""The people: the SBNI's staff, the CMR Panel, each panel's staff, reviewers and agencies'
contacts; their groups, panel memberships and the permissions those give."""

import uuid

from django.contrib.auth.models import Group

from cmr_portal.tooling.scale_data.base import (
    EMAIL_DOMAIN,
    FIRST_NAMES,
    SURNAMES,
    USERS,
    Part,
    Person,
)
from cmr_portal.tooling.scale_data.copier import first_id
from panels.models import Membership, Panel, SbniRole, User
from panels.services import ROLE_PERMISSIONS


class People(Part):
    """Users by kind into ``state.people``, their SBNI groups, and each panel's staff with their
    memberships and object permissions."""

    def write(self) -> None:
        """Write the users, their groups and the panels' memberships."""
        self.users()
        self.memberships()

    def users(self) -> None:
        state = self.state
        # At the smallest scales, still a chair, two administrators and members on every panel.
        total = state.count(USERS, least=40 + len(state.agencies) + 6 * len(state.panels))
        kinds = {
            SbniRole.SBNI_OFFICER: 8,
            SbniRole.CMR_PANEL_MEMBER: 12,
            SbniRole.CMR_PANEL_CHAIR: 1,
            SbniRole.SBNI_CHAIR: 1,
            "reviewer": max(6, total * 15 // 100),
            "agency": max(len(state.agencies), total * 10 // 100),
        }
        kinds["panel"] = total - sum(kinds.values())
        next_id = first_id(User)
        state.people = {}
        for kind, number in kinds.items():
            for n in range(number):
                person = Person(next_id, str(kind))
                if kind == "panel":
                    person.panel = state.panels[n % len(state.panels)].pk
                if kind == "agency":
                    person.agency = state.agencies[n % len(state.agencies)]
                state.people.setdefault(str(kind), []).append(person)
                next_id += 1
        everyone = [person for group in state.people.values() for person in group]
        state.copier.copy(
            User,
            (
                "id email password full_name job_title organisation agency is_active is_staff "
                "is_superuser date_joined emails"
            ),
            (
                (
                    person.id,
                    f"{person.kind.replace(' ', '.').lower()}.{person.id}@{EMAIL_DOMAIN}",
                    f"!{uuid.uuid4().hex}",  # no password: nobody signs in to these accounts
                    f"{state.rng.choice(FIRST_NAMES)} {state.rng.choice(SURNAMES)}",
                    person.kind.capitalize() if person.kind != "panel" else "Panel member",
                    "Scale data (fictional)",
                    person.agency,
                    True,
                    False,
                    False,
                    state.start,
                    User.Emails.DAILY if person.id % 3 == 0 else User.Emails.IMMEDIATE,
                )
                for person in everyone
            ),
        )
        groups = dict(Group.objects.values_list("name", "id"))
        state.copier.copy(
            User.groups.through,
            "user group",
            (
                (person.id, groups[kind])
                for kind in SbniRole.values
                for person in state.people.get(kind, [])
            ),
        )

    def memberships(self) -> None:
        """Each panel's staff: a chair, two administrators, members; and their permissions."""
        state = self.state
        rows = []
        for panel in state.panels:
            staff = [person for person in state.people["panel"] if person.panel == panel.pk]
            for n, person in enumerate(staff):
                role = (
                    Membership.Role.CHAIR
                    if n == 0
                    else Membership.Role.ADMINISTRATOR
                    if n < 3
                    else Membership.Role.MEMBER
                )
                rows.append((person, panel.pk, role))
        state.copier.copy(
            Membership,
            "uuid panel user role created_at",
            ((uuid.uuid4(), panel, person.id, role, state.start) for person, panel, role in rows),
        )
        state.grant(
            Panel,
            (
                (person.id, panel, perm)
                for person, panel, role in rows
                for perm in ROLE_PERMISSIONS[role]
            ),
        )
