"""The admin site, for system administrators only."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse


class PortalAdminSite(admin.AdminSite):
    site_header = "CMR portal administration"
    site_title = "CMR portal administration"
    index_title = "Administration"

    def admin_view(  # type: ignore[override]
        self, view: Callable[..., HttpResponse], cacheable: bool = False
    ) -> Callable[..., HttpResponse]:
        """A signed-in user who is not a system administrator finds nothing here."""
        wrapped = super().admin_view(view, cacheable)

        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return wrapped(request, *args, **kwargs)

        return inner
