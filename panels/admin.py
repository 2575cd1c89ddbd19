from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest

from panels import services
from panels.models import Agency, Membership, Panel, User


class LowerCaseEmailMixin(forms.ModelForm):  # type: ignore[type-arg]
    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class UserAddForm(LowerCaseEmailMixin, UserCreationForm[User]):
    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "organisation", "agency"]


class UserEditForm(LowerCaseEmailMixin, UserChangeForm[User]):
    class Meta:
        model = User
        fields = [
            "email",
            "password",
            "full_name",
            "job_title",
            "organisation",
            "agency",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
        ]


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    fields = ["panel", "role"]
    readonly_fields = ["panel", "role"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    form = UserEditForm
    add_form = UserAddForm
    ordering = ["full_name"]
    list_display = ["email", "full_name", "job_title", "organisation", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups", "agency"]
    search_fields = ["email", "full_name", "organisation"]
    list_select_related = ["agency"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title", "organisation", "agency")}),
        (
            "SBNI roles and access",
            {
                "fields": ("is_active", "groups", "is_staff", "is_superuser"),
                "description": "Panel roles are memberships: add them under Memberships.",
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "job_title",
                    "organisation",
                    "agency",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser:  # only a superuser makes another
            readonly.append("is_superuser")
        return readonly


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin[Panel]):
    """Panels as reference data. Who holds a role on one is the memberships' business."""

    list_display = ["name", "code", "trust", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code", "trust"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["name", "short_name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    """Memberships change only through the services, which keep permissions and the audit."""

    list_display = ["user", "panel", "role", "created_at"]
    list_filter = ["panel", "role"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "panel"]
    autocomplete_fields = ["user"]
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> list[str]:
        return ["user", "panel"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        admin_user = request.user
        assert isinstance(admin_user, User)
        if change:
            services.change_role(obj, obj.role, by=admin_user, request=request)
        else:
            saved = services.add_member(
                obj.panel, obj.user, obj.role, by=admin_user, request=request
            )
            obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        admin_user = request.user
        assert isinstance(admin_user, User)
        services.remove_member(obj, by=admin_user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            self.delete_model(request, membership)
