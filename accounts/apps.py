import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

log = logging.getLogger("portal.auth")


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and roles")

    def ready(self):
        from django.contrib.auth import signals

        signals.user_logged_in.connect(_logged_in, dispatch_uid="accounts.log_in")
        signals.user_logged_out.connect(_logged_out, dispatch_uid="accounts.log_out")
        signals.user_login_failed.connect(_login_failed, dispatch_uid="accounts.log_failed")


# Auth events are logged by user id only: no phone, email, code or IP (RELIABILITY B9).
def _logged_in(sender, request, user, **kwargs):
    log.info("auth.login_ok user=%s", user.pk)


def _logged_out(sender, request, user, **kwargs):
    log.info("auth.logout user=%s", getattr(user, "pk", None))


def _login_failed(sender, credentials, request=None, **kwargs):
    from accounts.adapter import fingerprint

    login = credentials.get("email") or credentials.get("phone") or credentials.get("username")
    log.info("auth.login_failed who=%s", fingerprint(str(login)) if login else "-")
