from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from panels.models import User


class LowerCaseEmailMixin(forms.ModelForm):  # type: ignore[type-arg]
    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class UserAddForm(LowerCaseEmailMixin, UserCreationForm[User]):
    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "organisation"]


class UserEditForm(LowerCaseEmailMixin, UserChangeForm[User]):
    class Meta:
        model = User
        fields = [
            "email",
            "password",
            "full_name",
            "job_title",
            "organisation",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
        ]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    form = UserEditForm
    add_form = UserAddForm
    ordering = ["full_name"]
    list_display = ["email", "full_name", "job_title", "organisation", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "full_name", "organisation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title", "organisation")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
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
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
