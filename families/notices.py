"""How the outbox reaches a family, and the notices families send (registered in
FamiliesConfig.ready(); the contract is in messaging.registry).

Resolver "family": a recipient key "family:<pk>" is read afresh at send time: the family's
language, the channels it accepts in the order it prefers, its phone, email and the time
zone of its first school.

Kinds rendered here (context: {"text": ..., "subject": ...}, and "email_text" when an
email says it otherwise, written in the family's language when the notice was scheduled):

    notice          anything said to one family in a sentence: the welcome after an
                    assisted registration, a school's answer to a message, a decision on a
                    seat application (families.services.notify)
    sign_in_paused  wrong sign-in codes paused code login until tomorrow (accounts.limits);
                    time-critical: a security notice does not wait behind the family's
                    daily limit or the day's budget for texts
"""

from django.conf import settings
from django.db.models import OuterRef, Subquery

from families.models import Channel, Family, Membership
from messaging import registry
from messaging.optout import is_opted_out
from messaging.outbox import Recipient, Rendered, email_html

KINDS = ("notice", "sign_in_paused")
TIME_CRITICAL = ("sign_in_paused",)


def register() -> None:
    registry.register_resolver("family", family_recipient)
    registry.register_renderer(KINDS, render, time_critical=TIME_CRITICAL)


def family_recipient(ident: str) -> Recipient | None:
    """What the outbox needs to reach a family: its language and the channels it accepts."""
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


def render(message, recipient) -> Rendered:
    """The text was written in the family's language when the notice was scheduled; an
    email gets the email's words when the notice has them ("type this email address")."""
    text = message.context.get("text", "")
    if message.channel == "email":
        text = message.context.get("email_text") or text
    subject = message.context.get("subject", "")
    return Rendered(
        sms=text,
        email_subject=subject,
        email_body=text,
        email_html=email_html(subject=subject, headline=text, school=""),
    )
