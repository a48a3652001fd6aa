from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

# What the cached public pages show (portal.page_cache): a change to any of these retires them.
PUBLIC_CONTENT = [
    "schools.District",
    "schools.School",
    "schools.Guide",
    "schools.GuideSection",
    "schools.GuideSectionAudio",
    "committees.Committee",
    "committees.Seat",
    "events.Event",
    "schools.Partner",  # named on the event pages it co-hosts
]


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from accounts import landing
        from portal import front_door
        from portal.page_cache import content_changed, places_changed

        landing.register(front_door.url_for)

        for label in PUBLIC_CONTENT:
            model = apps.get_model(label)
            post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-{label}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"page-cache-d-{label}")
        # Adding or removing a co-hosting partner saves no Event row.
        m2m_changed.connect(
            content_changed,
            sender=apps.get_model("events.Event").partners.through,
            dispatch_uid="page-cache-m2m-event-partners",
        )
        # Places left: every answer retires the parts that show them (and only those).
        rsvp = apps.get_model("events.Rsvp")
        post_save.connect(places_changed, sender=rsvp, dispatch_uid="page-cache-places")
        post_delete.connect(places_changed, sender=rsvp, dispatch_uid="page-cache-d-places")
