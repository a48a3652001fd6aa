from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("Families")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from families import notices

        user_logged_in.connect(_family_was_active, dispatch_uid="families.active")
        # How the outbox reaches a family, and the notices families send (families/notices.py).
        notices.register()


def _family_was_active(sender, request, user, **kwargs):
    # Logging in is what keeps a family's data from the retention clean-up.
    from django.utils import timezone

    from families.models import Family

    Family.objects.filter(user=user).update(last_active_at=timezone.now(), retention_warnings=0)
