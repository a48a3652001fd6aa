from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("Families")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from messaging import outbox

        user_logged_in.connect(_family_was_active, dispatch_uid="families.active")
        outbox.resolvers["family"] = _family_recipient
        outbox.renderers["notice"] = _render_notice
        # "Sign-in by code is paused" (accounts.limits): a security notice does not wait
        # behind the family's daily limit or the day's budget for texts.
        outbox.renderers["sign_in_paused"] = _render_notice
        outbox.TIME_CRITICAL_KINDS.add("sign_in_paused")


def _family_was_active(sender, request, user, **kwargs):
    # Logging in is what keeps a family's data from the retention clean-up.
    from django.utils import timezone

    from families.models import Family

    Family.objects.filter(user=user).update(last_active_at=timezone.now(), retention_warnings=0)


def _family_recipient(ident: str):
    """What the outbox needs to reach a family: its language and the channels it accepts."""
    from django.conf import settings
    from django.db.models import OuterRef, Subquery

    from families.models import Channel, Family, Membership
    from messaging.outbox import Recipient

    first_school_zone = Membership.objects.filter(family=OuterRef("pk")).order_by("pk")
    family = (
        Family.objects.active()
        .select_related("user")
        .annotate(time_zone=Subquery(first_school_zone.values("school__time_zone")[:1]))
        .filter(pk=int(ident))
        .first()
    )
    if family is None:
        return None
    phone, email = family.phone, family.email
    preferred = {
        Channel.SMS: ["sms", "voice", "email"],
        Channel.VOICE: ["voice", "sms", "email"],
        Channel.EMAIL: ["email", "sms", "voice"],
        Channel.NONE: [],
    }[family.channel]
    from messaging.optout import is_opted_out

    texts_off = is_opted_out(phone)
    reachable = [
        c
        for c in preferred
        if (c == "email" and email)
        or (c == "voice" and phone)
        or (c == "sms" and phone and not texts_off)
    ]
    return Recipient(
        key=f"family:{family.pk}",
        language=family.language,
        channels=reachable,
        phone=phone,
        email=email,
        time_zone=family.time_zone or settings.TIME_ZONE,
        texts_off_checked=True,
    )


def _render_notice(message, recipient):
    """Notices (answers, welcome, seat decisions) were written in the family's language
    when they were scheduled."""
    from messaging.outbox import Rendered, email_html

    text = message.context.get("text", "")
    subject = message.context.get("subject", "")
    return Rendered(
        sms=text,
        email_subject=subject,
        email_body=text,
        email_html=email_html(subject=subject, headline=text, school=""),
    )
