"""Staff roles: who works for which school, district or community partner.

A role points at the schools' own models, so it lives here above accounts (identity only).
schools.models imports this module so that Django finds the model.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schools.models import District, Partner, School


class StaffRole(models.Model):
    """What a staff member may do, and where: one school, or a whole district."""

    class Kind(models.TextChoices):
        SCHOOL_STAFF = "school_staff", _("School staff")
        FRONT_DESK = "front_desk", _("Front desk")
        DISTRICT_STAFF = "district_staff", _("District staff")
        PARTNER_STAFF = "partner_staff", _("Community partner staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("school"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("district"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_roles",
        verbose_name=_("community partner"),
    )

    class Meta:
        # The table kept the name it had when roles lived in accounts (no data copied).
        db_table = "accounts_staffrole"
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            # A school role names a school, a district role a district, a partner role a
            # partner organisation; exactly one of them.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["school_staff", "front_desk"],
                        school__isnull=False,
                        district__isnull=True,
                        partner__isnull=True,
                    )
                    | Q(
                        kind="district_staff",
                        district__isnull=False,
                        school__isnull=True,
                        partner__isnull=True,
                    )
                    | Q(
                        kind="partner_staff",
                        partner__isnull=False,
                        school__isnull=True,
                        district__isnull=True,
                    )
                ),
                name="staffrole_kind_matches_scope_v2",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "school", "district", "partner"],
                name="staffrole_unique_v2",
            ),
        ]

    def __str__(self):
        where = self.school or self.district or self.partner
        return f"{self.user} · {self.get_kind_display()} · {where}"
