from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from families import services
from families.models import Family

FIRST_WARNING_DAYS_BEFORE = 30
SECOND_WARNING_DAYS_BEFORE = 7


@shared_task
def apply_retention() -> dict:
    """Warn inactive families twice by their channel, then anonymise them.

    Runs daily from beat. Logging in resets the clock (families.apps).
    """
    now = timezone.now()
    limit = timedelta(days=settings.FAMILY_RETENTION_DAYS)
    active = Family.objects.active()
    counts = {"first_warning": 0, "second_warning": 0, "anonymised": 0}

    for family in active.filter(
        last_active_at__lt=now - limit + timedelta(days=FIRST_WARNING_DAYS_BEFORE),
        retention_warnings=0,
    ).select_related("user"):
        _warn(family, FIRST_WARNING_DAYS_BEFORE)
        counts["first_warning"] += 1
    for family in active.filter(
        last_active_at__lt=now - limit + timedelta(days=SECOND_WARNING_DAYS_BEFORE),
        retention_warnings=1,
    ).select_related("user"):
        _warn(family, SECOND_WARNING_DAYS_BEFORE)
        counts["second_warning"] += 1
    for family in active.filter(last_active_at__lt=now - limit, retention_warnings__gte=2):
        services.erase_family(family)
        counts["anonymised"] += 1
    return counts


def _warn(family: Family, days: int) -> None:
    services.notify(
        family,
        lambda: (
            ngettext(
                "You have not used the school portal for a long time. In %(days)s day we will "
                "erase your family's information. To keep it, log in once.",
                "You have not used the school portal for a long time. In %(days)s days we will "
                "erase your family's information. To keep it, log in once.",
                days,
            )
            % {"days": days}
        ),
    )
    Family.objects.filter(pk=family.pk).update(retention_warnings=family.retention_warnings + 1)
