"""Root URLs. Each app adds its own URLs here with its namespace."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from cmr_portal import views
from panels import views as panel_views
from panels.forms import NewPasswordForm, SignInForm

handler500 = "cmr_portal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path(
        "sign-in/",
        views.SignInView.as_view(
            template_name="registration/sign_in.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("two-factor/set-up/", panel_views.two_factor_setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        panel_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("two-factor/verify/", panel_views.two_factor_verify, name="two_factor_verify"),
    path("panels/", include("panels.urls")),
    path("notifications/", include("cmr_portal.kernel.notifications.urls")),
    # Before the referrals: the reviews app owns /referrals/<uuid>/decide/, which the referral
    # sections' /referrals/<uuid>/<slug>/ would otherwise catch.
    path("", include("reviews.urls")),
    path("referrals/", include("referrals.urls")),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        panel_views.ResetPasswordView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_sent.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html",
            form_class=NewPasswordForm,
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    # One sign-in page for everyone: the admin's own login form would bypass it.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
    ),
    path("admin/", admin.site.urls),
]
