from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignupsConfig(AppConfig):
    name = "signups"
    verbose_name = _("Sign-ups")

    def ready(self):
        from django.db.models.signals import pre_delete

        from signups import notices, personal_data, services
        from signups.models import Booking
        from signups.volunteering.registrations import register as register_volunteering

        # The conference messages and their renderer (signups/notices.py).
        notices.register()
        # What bookings keep about a family, for its download and erasure (families asks).
        personal_data.register()
        register_volunteering()
        # A meeting deleted with its slot, its teacher or its day: the family is told.
        pre_delete.connect(services.booking_deleted, sender=Booking, dispatch_uid="booking-staff")
