"""How the outbox reaches a family, and the notices families send (registered in
FamiliesConfig.ready(); the contract is in messaging.registry).

Resolver "family": a recipient key "family:<pk>" is read afresh at send time: the family's
language, the channels it accepts in the order it prefers, its phone, email and the time
zone of its first school.

Kinds rendered here (context: {"text": ..., "subject": ...}, written in the family's
language when the notice was scheduled; "email_text" when an email says it otherwise;
"more_on_page": true when the family can read it whole on its page, so a text too long
for two segments ends with a link there):

    notice          anything said to one family in a sentence: the welcome after an
                    assisted registration, a school's answer to a message, a decision on a
                    seat application (families.services.notify)
    sign_in_paused  wrong sign-in codes paused code login until tomorrow (accounts.limits);
                    time-critical: a security notice does not wait behind the family's
                    daily limit or the day's budget for texts
"""

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext

from families.models import Channel, Family, Membership
from messaging import registry
from messaging.models import SmsOptOut
from messaging.optout import number_hash
from messaging.outbox import Recipient, Rendered, email_html
from messaging.segments import (
    first_sentence,
    fit,
    gsm_friendly,
    segments,
    truncate,
    without_accents,
)
from portal.languages import LANGUAGE_CODES

KINDS = ("notice", "sign_in_paused")
TIME_CRITICAL = ("sign_in_paused",)


def register() -> None:
    registry.register_resolver("family", family_recipient, many=family_recipients)
    registry.register_renderer(KINDS, render, time_critical=TIME_CRITICAL)


def family_recipient(ident: str) -> Recipient | None:
    """What the outbox needs to reach a family: its language and the channels it accepts."""
    return family_recipients([ident]).get(ident)


def family_recipients(idents: list[str]) -> dict[str, Recipient]:
    """The same for a batch of families, in two queries: the families, their opt-outs."""
    pks = {int(ident) for ident in idents if ident.isdigit()}
    first_school = Membership.objects.filter(family=OuterRef("pk")).order_by("pk")
    families = list(
        Family.objects.active()
        .select_related("user")
        .annotate(
            time_zone=Subquery(first_school.values("school__time_zone")[:1]),
            school_languages=Subquery(first_school.values("school__languages")[:1]),
        )
        .filter(pk__in=pks)
    )
    hashes = {family.pk: number_hash(family.phone) for family in families if family.phone}
    stopped = set(
        SmsOptOut.objects.filter(number_hash__in=hashes.values()).values_list(
            "number_hash", flat=True
        )
    )
    found = {}
    for family in families:
        phone, email = family.phone, family.email
        preferred = {
            Channel.SMS: ["sms", "voice", "email"],
            Channel.VOICE: ["voice", "sms", "email"],
            Channel.EMAIL: ["email", "sms", "voice"],
            Channel.NONE: [],
        }[family.channel]
        texts_off = hashes.get(family.pk) in stopped
        reachable = [
            c
            for c in preferred
            if (c == "email" and email)
            or (c == "voice" and phone)
            or (c == "sms" and phone and not texts_off)
        ]
        found[str(family.pk)] = Recipient(
            key=f"family:{family.pk}",
            language=family_language(family),
            channels=reachable,
            phone=phone,
            email=email,
            time_zone=family.time_zone or settings.TIME_ZONE,
            texts_off_checked=True,
        )
    return found


def family_language(family) -> str:
    """The family's language; one the portal does not know (a language since removed, a row
    typed by hand) falls back to the first language its school publishes in, which the
    family more likely reads than the site's default."""
    if family.language in LANGUAGE_CODES:
        return family.language
    school_languages = getattr(family, "school_languages", None) or []
    known = [code for code in school_languages if code in LANGUAGE_CODES]
    return known[0] if known else settings.LANGUAGE_CODE


def family_page_link() -> str:
    """Where a family reads its messages whole, in the active language (the send task's)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("families:home") + "#messages"


def fit_notice(text: str, more_link: str = "") -> str:
    """A notice within two segments, like every text. One that does not fit is sent without
    the accents the GSM alphabet lacks when that is enough (a Spanish "días" in UCS-2 leaves
    67 characters a part, "dias" 153); a longer one (a long answer) as its first sentence
    and, when the family can read it whole on its page, a link there. A text over 1,600
    characters would not be delivered at all."""
    candidates = [text]
    if more_link:
        read_more = gettext("Read it all: %(link)s") % {"link": more_link}
        sentence = first_sentence(text)
        candidates.append(f"{sentence} {read_more}")
    for candidate in candidates:
        for form in (gsm_friendly(candidate), gsm_friendly(without_accents(candidate))):
            if segments(form) <= 2:
                return form
    if not more_link:
        return truncate(gsm_friendly(text))
    return fit(
        lambda start: f"{start} {read_more}",
        sentence,
        min_title=min(len(sentence), 25),
    )


def render(message, recipient) -> Rendered:
    """The text was written in the family's language when the notice was scheduled; an
    email gets the email's words when the notice has them ("type this email address")."""
    text = message.context.get("text", "")
    if message.channel == "email":
        text = message.context.get("email_text") or text
    subject = message.context.get("subject", "")
    more_link = family_page_link() if message.context.get("more_on_page") else ""
    return Rendered(
        sms=fit_notice(text, more_link),
        email_subject=subject,
        email_body=text,
        email_html=email_html(subject=subject, headline=text, school=""),
        # A call reads the whole text: no web address to read out.
        voice_script=text,
    )
