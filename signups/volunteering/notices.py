"""What volunteering tells families, through the outbox (the contract is in
messaging.registry; registered from SignupsConfig.ready() by signups.volunteering.register).

Kinds rendered here (context: {"shift": <pk>}):

    volunteer_reminder   the day before the shift, to a family coming to help
    volunteer_promoted   a place opened on the shift and went to the family from the
                         waiting list

volunteer_reminder is time-critical. Both are superseded (not sent) once the family's
sign-up is no longer "coming" (cancelled, back on the waiting list, erased), the
opportunity is closed, or the shift moved (the reminder's key holds the start).
"""

import re
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from messaging import dates, outbox, registry
from messaging.models import Message
from messaging.segments import fit, shorten

TEXTS = {
    "volunteer_reminder": lambda: gettext(
        'Reminder: you help at "%(title)s" tomorrow, %(when)s, %(place)s. Thank you! %(link)s'
    ),
    "volunteer_promoted": lambda: gettext(
        'Good news: a place opened for you to help at "%(title)s", %(when)s, %(place)s. %(link)s'
    ),
}
KINDS = tuple(TEXTS)
TIME_CRITICAL = ("volunteer_reminder",)
REMIND_BEFORE = timedelta(days=1)


def register() -> None:
    registry.register_renderer(
        KINDS,
        render,
        time_critical=TIME_CRITICAL,
        current_many=superseded,
        key=render_key,
        read_ahead=shifts_of,
    )


def _key(kind, signup, extra=""):
    return f"{kind}:shift:{signup.shift_id}:family:{signup.family_id}{extra}"


def schedule_reminder(signup, shift) -> None:
    """The day before the shift; none when that time has already passed."""
    recipient = outbox.resolve(f"family:{signup.family_id}")
    due = shift.starts_at - REMIND_BEFORE
    if recipient is None or due <= timezone.now():
        return
    outbox.enqueue(
        recipient=recipient,
        kind="volunteer_reminder",
        key=_key("volunteer_reminder", signup, f":{shift.starts_at.timestamp():.0f}"),
        due_at=due,
        context={"shift": shift.pk, "starts": int(shift.starts_at.timestamp())},
    )


def cancel_reminder(signup) -> int:
    return outbox.cancel(outbox.pending(_key("volunteer_reminder", signup) + ":"))


def promoted(signup, shift) -> None:
    recipient = outbox.resolve(f"family:{signup.family_id}")
    if recipient is None:
        return
    stamp = f":{timezone.now().timestamp():.0f}"
    outbox.enqueue(
        recipient=recipient,
        kind="volunteer_promoted",
        key=_key("volunteer_promoted", signup, stamp),
        context={"shift": shift.pk, "starts": int(shift.starts_at.timestamp())},
    )
    schedule_reminder(signup, shift)


def superseded(messages: list[Message]) -> set[int]:
    """Two queries for a batch: the shifts, and the families' sign-ups to them."""
    from signups.volunteering.models import Opportunity, Shift, VolunteerSignup

    shift_ids = {m.context.get("shift") for m in messages}
    shifts = {
        pk: (status, int(starts.timestamp()))
        for pk, status, starts in Shift.objects.filter(
            pk__in=[s for s in shift_ids if isinstance(s, int)]
        ).values_list("pk", "opportunity__status", "starts_at")
    }
    out, asked = set(), []
    for message in messages:
        shift = shifts.get(message.context.get("shift"))
        prefix, _, family_id = message.recipient.partition(":")
        if (
            shift is None
            or shift[0] != Opportunity.Status.PUBLISHED
            or shift[1] != message.context.get("starts")
            or prefix != "family"
            or not family_id.isdigit()
        ):
            out.add(message.pk)
        else:
            asked.append((message, int(family_id)))
    if asked:
        going = set(
            VolunteerSignup.objects.filter(
                shift_id__in={m.context["shift"] for m, _ in asked},
                family_id__in={f for _, f in asked},
                status=VolunteerSignup.Status.GOING,
            ).values_list("shift_id", "family_id")
        )
        out |= {m.pk for m, f in asked if (m.context["shift"], f) not in going}
    return out


def render_key(message: Message, prefetched: dict | None = None):
    """The text depends on the shift and the language, never on the family. None last:
    kept for its batch only, as staff may move the shift (messaging.registry.render_key)."""
    return (message.kind, message.context.get("shift"), message.language, None)


def shifts_of(messages: list[Message]) -> dict:
    from signups.volunteering.models import Shift

    ids = [m.context.get("shift") for m in messages]
    shifts = Shift.objects.select_related("opportunity__school")
    return {"shifts": shifts.in_bulk([i for i in ids if isinstance(i, int)])}


def page_link(shift, language: str) -> str:
    """The school's volunteer page: the first choice when it fits."""
    with translation.override(language):
        path = reverse("signups:volunteer", kwargs={"slug": shift.opportunity.school.slug})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def short_link(shift, language: str) -> str:
    """The shift's short address (/bn/v/7), which opens its sign-up page."""
    with translation.override(language):
        path = reverse("signups:volunteer_short", kwargs={"pk": shift.pk})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


# Left out with the separator before it (", ", "، ", "，"): every catalog puts the place
# right after the time, so the sentence stays whole without it (as events.notices does).
NO_PLACE = "\x00"
_NO_PLACE = re.compile(r"\s*[,،，]?\s*\x00")


def _sms_text(template: str, params: dict) -> str:
    return _NO_PLACE.sub("", template % params)


def render(message: Message, recipient, prefetched: dict | None = None) -> outbox.Rendered:
    from signups.volunteering.models import Shift

    shift = (prefetched or {}).get("shifts", {}).get(message.context["shift"])
    if shift is None:
        shift = Shift.objects.select_related("opportunity__school").get(pk=message.context["shift"])
    opportunity, language = shift.opportunity, message.language
    school = opportunity.school
    zone = str(opportunity.time_zone)
    place = opportunity.place or school.name
    link, short = page_link(shift, language), short_link(shift, language)
    template = TEXTS[message.kind]()
    # What shortens before the title: the weekday, the long link, then the place is cut
    # to its first part ("Kitchen, building B" -> "Kitchen").
    short_date = dates.short_when(shift.starts_at, language, zone)
    first_part = shorten(place.split(",")[0].strip(), 30)
    variants = [
        {"when": dates.long_when(shift.starts_at, language, zone), "place": place, "link": link},
        {"when": short_date, "place": place, "link": link},
        {"when": short_date, "place": place, "link": short},
        {"when": short_date, "place": first_part, "link": short},
    ]
    sms = fit(
        lambda title, **variant: _sms_text(template, {**variant, "title": title}),
        opportunity.title,
        variants,
        # Only when 25 characters of the title do not fit otherwise: the text without
        # the place (the link has it), so that the link itself is never cut.
        last_resort=[{"when": short_date, "place": NO_PLACE, "link": short}],
    )
    when = dates.long_when(shift.starts_at, language, zone)
    params = {"title": opportunity.title, "when": when, "place": place}
    headline = (template % {**params, "link": ""}).strip()
    subject = f"{school.name}: {opportunity.title}"
    fallback = not opportunity.has_translation(language, "title")
    english_note = outbox.english_fallback_note() if fallback else ""
    body = "\n\n".join(p for p in (template % {**params, "link": link}, english_note) if p)
    html = outbox.email_html(
        subject=subject,
        headline=headline,
        school=school.name,
        title=opportunity.title,
        when=when,
        place=place,
        description=opportunity.description,
        link=link,
        fallback=fallback,
        title_in_english=fallback,
        description_in_english=bool(opportunity.description)
        and not opportunity.has_translation(language, "description"),
    )
    return outbox.Rendered(
        sms=sms,
        email_subject=subject,
        email_body=body,
        email_html=html,
        voice_script=f"{school.name}. {headline}",
        school_id=school.pk,
    )
