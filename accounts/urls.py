from allauth.account import views as allauth_views
from allauth.mfa.base import views as mfa_views
from django.urls import path
from django.views.decorators.debug import sensitive_post_parameters

from accounts import views

# A one-time code is as secret as a password while it lives: error reports leave it out (G3).
hide_code = sensitive_post_parameters("code")

# Ahead of allauth's own URLs: the same addresses, behind a fresh-login check.
urlpatterns = [
    path("login/staff/", views.staff_login, name="account_staff_login"),
    path("phone/change/", views.change_phone, name="account_change_phone"),
    path("email/", views.email, name="account_email"),
    path("confirm-it-is-you/", views.confirm_it_is_you, name="confirm_it_is_you"),
    path(
        "login/code/confirm/",
        hide_code(allauth_views.confirm_login_code),
        name="account_confirm_login_code",
    ),
    path("phone/verify/", hide_code(allauth_views.verify_phone), name="account_verify_phone"),
    # Staff second factor (RELIABILITY B10): allauth's pages, recording that it was used.
    path("2fa/authenticate/", hide_code(views.authenticate), name="mfa_authenticate"),
    path("2fa/reauthenticate/", hide_code(mfa_views.reauthenticate), name="mfa_reauthenticate"),
    path("2fa/totp/activate/", hide_code(views.activate_totp), name="mfa_activate_totp"),
    path("2fa/recovery-codes/", views.view_recovery_codes, name="mfa_view_recovery_codes"),
    path("2fa/webauthn/add/", views.add_security_key, name="mfa_add_webauthn"),
]
