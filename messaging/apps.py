from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self):
        from messaging import (
            checks,  # noqa: F401 (registers the deploy check)
            translation_backends,  # noqa: F401 (fills translation.BACKENDS)
        )
