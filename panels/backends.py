"""How the signed-in person is read on each request."""

from django.contrib.auth.backends import ModelBackend

from panels.models import User


class PortalBackend(ModelBackend):
    """Django's model backend, reading the person with their SBNI roles and the number of their
    unread notifications in the one query that every page makes."""

    def get_user(self, user_id: int) -> User | None:
        user = User.objects.for_requests().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
