from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = _("Schools and guides")

    def ready(self):
        from accounts import roles
        from schools.access import role_kinds

        # The login (accounts, below us) asks who holds a staff role through this.
        roles.register(role_kinds)
