from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.accounts_index, name="index"),
    path("sites/<int:site_pk>/", views.site_accounts, name="site_accounts"),
    path("sites/<int:site_pk>/invite/", views.account_invite, name="invite"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("users/<int:pk>/deactivate/", views.account_deactivate, name="deactivate"),
    path("users/<int:pk>/reactivate/", views.account_reactivate, name="reactivate"),
    path("users/<int:pk>/access/", views.account_expiry, name="access_expiry"),
    # The link of an invitation: no login, the token is the key.
    path("welcome/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
