from django.apps import AppConfig, apps
from django.conf import settings
from django.contrib.auth import get_user_model
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
    # Shown on My page beside a family's own bookings, shifts and announcements.
    "signups.ConferenceDay",
    "signups.Host",
    "signups.Slot",
    "signups.Opportunity",
    "signups.Shift",
    "conversations.Announcement",
    "conversations.Version",
]
# Whose kept pages (portal.page_cache.personal_page) a row belongs to when it points at them
# through another row: a message through its conversation, an interpreter's hours through
# the interpreter. Rows that point at a person or a family themselves are found by
# _watch_people; tests/portal/test_personal_pages.py checks that no such path is missed.
THROUGH = {
    "conversations.ThreadMessage": ("thread",),
    "signups.Availability": ("interpreter",),
}


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
        _watch_people()
        # My page tells a family waiting to join how long the school usually takes to answer:
        # every request to that school, and every answer, changes the figure.
        membership = apps.get_model("families.Membership")
        post_save.connect(_waiting_told, sender=membership, dispatch_uid="people-waiting")
        post_delete.connect(_waiting_told, sender=membership, dispatch_uid="people-d-waiting")


def _waiting_told(sender, instance, **kwargs):
    from portal.page_cache import people_changed

    if settings.PAGE_CACHE_SECONDS:
        people_changed(
            sender.objects.filter(
                school_id=instance.school_id, status=sender.Status.REQUESTED
            ).values_list("family__user_id", flat=True)
        )


def owner_fields(model) -> list:
    """The model's foreign keys to a person (the user model) or to a family."""
    owners = (get_user_model(), apps.get_model("families.Family"))
    return [
        field
        for field in model._meta.concrete_fields
        if field.many_to_one or field.one_to_one
        if field.related_model in owners
    ]


def _watch_people():
    """Every saved or deleted row that points at a person or a family retires that person's
    kept pages (page_cache.people_changed)."""
    for model in apps.get_models():
        fields = owner_fields(model)
        through = THROUGH.get(model._meta.label)
        if not fields and not through:
            continue
        receiver = _person_receiver(fields, through)
        label = model._meta.label
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"people-{label}")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"people-d-{label}")


def _person_receiver(fields, through):
    user_model = get_user_model()

    def receiver(sender, instance, **kwargs):
        from portal.page_cache import people_changed

        if not settings.PAGE_CACHE_SECONDS:
            return
        people, families = set(), set()
        for field in fields:
            if field.related_model is user_model:
                people.add(getattr(instance, field.attname))
            elif field.is_cached(instance):
                # Already read with the row (the usual case when a service saves it).
                people.add(getattr(field.get_cached_value(instance), "user_id", None))
            else:
                families.add(getattr(instance, field.attname))
        families.discard(None)
        if families:
            people.update(
                apps.get_model("families.Family")
                .objects.filter(pk__in=families)
                .values_list("user_id", flat=True)
            )
        for name in through or ():
            related = instance._meta.get_field(name)
            people.update(
                related.related_model.objects.filter(
                    pk=getattr(instance, related.attname)
                ).values_list("family__user_id", flat=True)
            )
        people_changed(people)

    return receiver
