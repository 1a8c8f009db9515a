from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .accounts import two_factor
from .accounts import views as account_views
from .health import healthz

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("language/", account_views.set_language, name="set_language"),
    path("accounts/security/", account_views.security, name="account_security"),
    path(
        "accounts/security/end-all-sessions/",
        account_views.end_all_sessions,
        name="end_all_sessions",
    ),
    path("accounts/two-step/setup/", two_factor.setup, name="two_factor_setup"),
    # The enrolment link mailed to the account (tod.accounts.enrolment); under the setup page's
    # path, so the two-step middleware lets it through after the password step.
    path("accounts/two-step/setup/<str:token>/", two_factor.enrol, name="two_factor_enrol"),
    path("accounts/two-step/verify/", two_factor.verify, name="two_factor_verify"),
    path(
        "accounts/two-step/backup-codes/",
        two_factor.new_backup_codes,
        name="two_factor_backup_codes",
    ),
    path("accounts/two-step/disable/", two_factor.disable, name="two_factor_disable"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("programme/", include("programme.urls")),
    path("matching/", include("matching.urls")),
    path("logbooks/", include("logbooks.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("outbox/", include("tod.outbox.urls")),
    # The manager's accounts pages and the invitee's link (tod/invitations, docs/accounts.md).
    path("accounts/manage/", include("tod.invitations.urls")),
    # Delivery receipts of the SMS gateways and the e-mail service (signed; no login).
    path("webhooks/", include("tod.outbox.webhook_urls")),
    path("audit/", include("tod.audit.urls")),
    path("privacy/", include("tod.privacy.urls")),
    # tod.admin_site.ToDAdminSite: superusers who passed the second step, nobody else.
    path("admin/", admin.site.urls),
]
