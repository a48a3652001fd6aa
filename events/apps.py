from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from events import notices, personal_data

        # The kinds of message events send and their renderer (events/notices.py).
        notices.register()
        # What events keep about a family, for its download and erasure (families asks).
        personal_data.register()
