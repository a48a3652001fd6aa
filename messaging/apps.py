from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self):
        from messaging import (
            checks,  # noqa: F401 (registers the deploy check)
            translation_backends,  # fills translation.BACKENDS
        )

        translation_backends.preload()

        # A family's reply to one of our emails, once anymail has checked the provider's
        # signature (messaging/email_replies.py).
        from anymail.signals import inbound

        from messaging import email_replies

        inbound.connect(email_replies.receive, dispatch_uid="messaging.email_replies")
