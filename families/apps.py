from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("Families")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from families import notices
        from portal import languages

        user_logged_in.connect(_family_was_active, dispatch_uid="families.active")
        # The language lists put first the languages most families use.
        languages.count_families_with(_families_by_language)
        # How the outbox reaches a family, and the notices families send (families/notices.py).
        notices.register()


def _family_was_active(sender, request, user, **kwargs):
    # Logging in is what keeps a family's data from the retention clean-up.
    from django.utils import timezone

    from families.models import Family

    Family.objects.filter(user=user).update(last_active_at=timezone.now(), retention_warnings=0)


def _families_by_language() -> dict[str, int]:
    from django.db.models import Count

    from families.models import Family

    rows = Family.objects.active().values("language").annotate(families=Count("pk"))
    return {row["language"]: row["families"] for row in rows.order_by()}
