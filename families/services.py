"""Writes that touch several models: registering, joining, passes, feedback, erasure."""

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import AuditEvent, User
from families import personal_data
from families.models import Channel, Family, FamilyPass, Feedback, Membership, PassCheck
from messaging import outbox
from portal import page_cache

log = logging.getLogger("portal.families")


@transaction.atomic
def register_family(
    *,
    user: User | None,
    display_name: str,
    language: str,
    channel: str,
    wants_interpreter: bool = False,
    interpreter_language: str = "",
    registered_by: User | None = None,
    partner=None,
    consent: bool = False,
) -> Family:
    family = Family(
        user=user,
        display_name=display_name,
        language=language,
        channel=channel,
        wants_interpreter=wants_interpreter,
        interpreter_language=interpreter_language or (language if wants_interpreter else ""),
        registered_by=registered_by,
        registered_by_partner=partner,
        consent_at=timezone.now() if consent else None,
    )
    family.full_clean(exclude=["user"])
    family.save()
    FamilyPass.objects.create(family=family)
    return family


@transaction.atomic
def register_family_for(
    *, staff: User, partner=None, school, phone="", email="", share_phone=False, **values
) -> Family:
    """Assisted registration: a login only if the family has a phone or an email.

    share_phone: the staff member confirmed that the family uses a phone another family
    already gets its messages on. The family then reaches it through Family.shared_phone,
    and the login (and its code to log in) stays with the family that has the number
    (RELIABILITY E14); a number no login holds any more becomes this family's own.

    Raises IntegrityError if the phone or email belongs to another login (the form checks
    first; this is the rare case of two registrations at once)."""
    from families import claims

    user = None
    shared = ""
    if phone or email:
        claims.release(phone=phone, email=email, held_for=timedelta(0))
        if phone and share_phone and claims.holders(phone=phone).exists():
            phone, shared = "", phone
    if phone or email:
        # The helper sat with the family and typed the number the family gave them, so it
        # counts as confirmed: the family can log in with a code from the first day.
        user = User.objects.create_user(
            email=email or None,
            phone=phone or None,
            phone_verified=bool(phone),
            name=values["display_name"],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    family = register_family(
        user=user, registered_by=staff, partner=partner, consent=True, **values
    )
    if shared:
        family.shared_phone = shared
        family.save(update_fields=["shared_phone"])
    Membership.objects.create(
        family=family,
        school=school,
        status=Membership.Status.CONFIRMED,
        via=Membership.Via.PARTNER if partner else Membership.Via.STAFF,
        decided_at=timezone.now(),
    )
    # The school's name stands alone after a colon, so the sentence stays grammatical in
    # every language whatever the name; it is read inside the family's language (its
    # translated name). In the text it comes last: a long name that does not fit two parts
    # loses itself, never the way in. By email the family types its address, not "this
    # number".
    notify(
        family,
        lambda: welcome_text(school, shares_phone=bool(shared)),
        email_text=lambda: (
            gettext(
                "Welcome! Your school: %(school)s. To see your family pass, open the school "
                "portal, choose Log in and type this email address: we send you a code."
            )
            % {"school": school.name}
        ),
    )
    return family


def welcome_text(school, *, shares_phone: bool) -> str:
    """The welcome by text after an assisted registration, read in the family's language."""
    if shares_phone:
        # Logging in with this number is the other family's: this one keeps its paper pass.
        return gettext(
            "Welcome! This phone now also gets the school's messages for your family. Keep "
            "the family pass the school gave you. Your school: %(school)s."
        ) % {"school": school.name}
    return gettext(
        "Welcome! To see your family pass, open the school portal, choose Log in and type "
        "this number: we send you a code. Your school: %(school)s."
    ) % {"school": school.name}


def join_school(*, family: Family, school, via: str) -> Membership:
    """Ask to join (staff confirm later), or join at once with the school's paper code."""
    confirmed = via == Membership.Via.JOIN_CODE
    try:
        with transaction.atomic():
            membership, created = Membership.objects.get_or_create(
                family=family,
                school=school,
                defaults={
                    "via": via,
                    "status": Membership.Status.CONFIRMED
                    if confirmed
                    else Membership.Status.REQUESTED,
                    "decided_at": timezone.now() if confirmed else None,
                },
            )
    except IntegrityError:  # two taps at once: the other one made it
        membership, created = Membership.objects.get(family=family, school=school), False
    if not created and confirmed and membership.status != Membership.Status.CONFIRMED:
        membership.status = Membership.Status.CONFIRMED
        membership.via = via
        membership.decided_at = timezone.now()
        membership.save(update_fields=["status", "via", "decided_at"])
    return membership


def decide_membership(membership: Membership, *, confirm: bool) -> None:
    membership.status = Membership.Status.CONFIRMED if confirm else Membership.Status.DECLINED
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])


@transaction.atomic
def reissue_pass(family: Family) -> FamilyPass:
    """A new pass; the old one reads "not valid" from this moment."""
    family.passes.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return FamilyPass.objects.create(family=family)  # its save retires the family's pages


def revoke_pass(family_pass: FamilyPass) -> None:
    FamilyPass.objects.filter(pk=family_pass.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    # The kept pass page would still show the code the desk now refuses.
    page_cache.people_changed(
        Family.objects.filter(pk=family_pass.family_id).values_list("user_id", flat=True)
    )


def check_pass(*, family_pass: FamilyPass | None, school, staff: User) -> PassCheck:
    if family_pass is None:
        result = PassCheck.Result.UNKNOWN
    elif not family_pass.is_valid:
        result = PassCheck.Result.REVOKED
    elif Membership.objects.filter(
        family_id=family_pass.family_id, school=school, status=Membership.Status.CONFIRMED
    ).exists():
        result = PassCheck.Result.VALID
    else:
        result = PassCheck.Result.NOT_HERE
    return PassCheck.objects.create(
        family_pass=family_pass, school=school, checked_by=staff, result=result
    )


def notify(family: Family, text_for_family, *, email_text=None, more_on_page: bool = False) -> bool:
    """Tell a family something by its own channel, in its own language, through the outbox.

    text_for_family is called inside the family's language now, so a school's or a
    committee's name read inside it is the family's language's (English only when not
    translated); the outbox sends the text. email_text, when given, is the same words for
    an email (kept beside the text: a text handed over to email later uses it).
    more_on_page: the family can read the whole of it on its page, so a text too long for
    two segments may end with a link there (families.notices.fit_notice).
    Returns False when nothing reaches the family (a printed pass only).
    """
    recipient = outbox.resolve(f"family:{family.pk}")
    if recipient is None or not recipient.channels:
        return False
    with translation.override(recipient.language):
        context = {"text": str(text_for_family())}
        if email_text is not None:
            context["email_text"] = str(email_text())
        context["subject"] = gettext("A message from your school")
        if more_on_page:
            context["more_on_page"] = True
    outbox.enqueue(
        recipient=recipient,
        kind="notice",
        key=f"notice:family:{family.pk}:{uuid.uuid4().hex}",
        context=context,
    )
    return True


# Who keeps a named family's message to a school instead of a Feedback row: the family's
# conversation with the school (conversations registers it in its AppConfig.ready()).
# Called as write(school=, family=, kind=, text=, language=) -> the message kept.
message_writers: list = []


def send_feedback(*, school, family: Family | None, kind: str, text: str, anonymous: bool):
    """A message to a school. With the family's name it joins the family's conversation with
    the school, where the school answers; without a name (or when no conversation keeps it)
    it is a Feedback row, which no one can answer."""
    if family is not None and not anonymous and message_writers:
        return message_writers[0](
            school=school,
            family=family,
            kind=kind,
            text=text.strip(),
            language=translation.get_language(),
        )
    return Feedback.objects.create(
        school=school,
        family=None if anonymous else family,
        kind=kind,
        text=text.strip(),
        language=translation.get_language(),
    )


def may_send_feedback(sender: str) -> bool:
    """At most FEEDBACK_MAX_PER_HOUR messages to schools from one sender (a client address
    or a family) in the last hour, counted in the shared cache (every worker sees the same
    count) in ten-minute slices, so the count slides instead of resetting on the hour."""
    from redis.exceptions import RedisError

    slot = int(time.time()) // 600
    keys = [f"feedback:{sender}:{s}" for s in range(slot - 5, slot + 1)]
    try:
        cache.add(keys[-1], 0, 4200)
        count = cache.incr(keys[-1]) + sum(cache.get_many(keys[:-1]).values())
    except (RedisError, OSError, ValueError) as error:
        # Redis down (RELIABILITY E2): the family's message is taken, uncounted, rather than
        # lost to an error page; the cap is a guard against floods, not a promise.
        log.warning("feedback.cache_unavailable error=%s", type(error).__name__)
        return True
    if count > settings.FEEDBACK_MAX_PER_HOUR:
        cache.decr(keys[-1])  # a refused message does not count
        return False
    return True


def answer_feedback(feedback: Feedback, *, answer: str, by: User) -> bool:
    feedback.answer = answer
    feedback.answered_at = timezone.now()
    feedback.answered_by = by
    feedback.save(update_fields=["answer", "answered_at", "answered_by"])
    if feedback.family is None:
        return False
    school = feedback.school
    # school.name is read inside the lambda, in the family's language, not the staff's.
    return notify(
        feedback.family,
        lambda: (
            gettext("Your school answered your message (%(school)s): %(answer)s")
            % {"school": school.name, "answer": answer}
        ),
        more_on_page=True,
    )


def export_family(family: Family) -> dict:
    """Everything the portal holds about a family (RELIABILITY F3): every kind of row that
    names it, as the family would recognise it."""
    from messaging.models import Message

    user = family.user
    return {
        "family": {
            "display_name": family.display_name,
            "language": family.language,
            "channel": family.channel,
            "wants_interpreter": family.wants_interpreter,
            "interpreter_language": family.interpreter_language,
            "registered": family.created_at.isoformat(),
            "last_active": family.last_active_at.isoformat(),
            "registered_with_help_of_partner": str(family.registered_by_partner or ""),
            "consent_recorded": family.consent_at.isoformat() if family.consent_at else None,
            # A number shared with another family (no login of its own: RELIABILITY E14).
            "phone_shared_with_another_family": family.shared_phone or None,
        },
        "login": {
            "name": user.name if user else None,
            "email": user.email if user else None,
            "phone": user.phone if user else None,
            "last_login": user.last_login.isoformat() if user and user.last_login else None,
        },
        "schools": [
            {"school": m.school.name, "status": m.status, "since": m.created_at.isoformat()}
            for m in family.memberships.select_related("school")
        ],
        "passes": [
            {
                "code": p.short_code,
                "issued": p.issued_at.isoformat(),
                "revoked": p.revoked_at.isoformat() if p.revoked_at else None,
                "checks_at_the_door": [
                    {"school": c.school.name, "at": c.checked_at.isoformat(), "result": c.result}
                    for c in p.checks.select_related("school")
                ],
            }
            for p in family.passes.all()
        ],
        # Sections the apps above families keep (events, committees): families.personal_data.
        **personal_data.exported(family),
        "messages_to_schools": [
            {
                "school": f.school.name,
                "kind": f.kind,
                "text": f.text,
                "sent": f.created_at.isoformat(),
                "answer": f.answer or None,
            }
            for f in family.feedback.select_related("school")
        ],
        # The outbox keeps no text for most kinds: it is written when the message goes.
        "messages_from_the_portal": [
            {
                "kind": m.kind,
                "channel": m.channel,
                "status": m.status,
                "language": m.language,
                "created": m.created_at.isoformat(),
                "due": m.due_at.isoformat(),
                "sent": m.sent_at.isoformat() if m.sent_at else None,
                # The words as sent: an email's own words when the notice has them.
                "text": (m.channel == "email" and m.context.get("email_text"))
                or m.context.get("text"),
            }
            for m in Message.objects.filter(recipient=f"family:{family.pk}").order_by("pk")
        ],
    }


@transaction.atomic
def erase_family(family: Family, *, actor: User | None = None) -> None:
    """Remove a family's personal data at once; keep anonymous counts (RELIABILITY F4).

    The family row stays, without name, login or messages, so reports can still count that
    a family of this language belonged to a school; nothing left points at a person.
    Answers to events already held stay too (without their free text), since the reports'
    attendance is counted from them; answers to events to come go, and their places go
    to the waiting list.
    """

    user = family.user
    named_rows = {
        Family: [family.pk],
        Membership: list(family.memberships.values_list("pk", flat=True)),
        FamilyPass: list(family.passes.values_list("pk", flat=True)),
        Feedback: list(family.feedback.values_list("pk", flat=True)),
        **personal_data.named_rows(family),
    }
    # The apps above families first (events gives up the places the family held).
    personal_data.erase(family)
    family.feedback.all().delete()
    family.passes.all().delete()
    family.display_name = ""
    family.user = None
    family.shared_phone = None
    family.registered_by = None
    family.wants_interpreter = False
    family.interpreter_language = ""
    family.channel = Channel.NONE
    family.consent_at = None
    family.erased_at = timezone.now()
    family.save()
    _forget_in_admin_history(named_rows)
    outbox.forget(f"family:{family.pk}")
    # Recorded before the login goes: deleting it then clears the actor (ids only remain).
    AuditEvent.record(actor, "erase", family)
    if user is not None:
        _delete_login(user)


def _forget_in_admin_history(named_rows: dict) -> None:
    """The admin's history shows each changed row by its name (an answer or an application
    is shown as "family · event"): blank those for this family's rows."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    for model, pks in named_rows.items():
        if pks:
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=[str(pk) for pk in pks],
            ).update(object_repr="", change_message="")


def _delete_login(user: User) -> None:
    from allauth.account.models import EmailAddress
    from allauth.usersessions.models import UserSession

    # Every open session of this person ends (allauth keeps the list of them).
    for user_session in UserSession.objects.filter(user=user):
        user_session.end()
    _forget_in_cache(user)
    EmailAddress.objects.filter(user=user).delete()
    user.delete()


def _forget_in_cache(user: User) -> None:
    """Rate-limit counters are named by the person's number or address: allauth's by an
    unkeyed SHA-256 of it (anyone can hash a phone number and find it), its per-login ones
    by the login's id, our SMS caps by a keyed fingerprint. They go with the login."""
    import hashlib
    from urllib.parse import urlsplit

    from django.conf import settings
    from redis.exceptions import RedisError

    from accounts.adapter import fingerprint
    from portal.cache import delete_keys

    values = [v for v in (user.phone, user.email) if v]
    for address in {e.email for e in user.emailaddress_set.all()}:
        values.append(address)
    hosts = {h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")}
    hosts.add(urlsplit(settings.PORTAL_BASE_URL).netloc)
    # allauth's failed-password counter is keyed "<site domain>:<email>".
    keyed = [*values, *(f"{host}:{v}" for host in hosts for v in values)]
    needles = {hashlib.sha256(v.encode()).hexdigest() for v in keyed}
    needles |= {hashlib.sha256(v.lower().encode()).hexdigest() for v in keyed}
    needles |= {fingerprint(v) for v in values}
    user_suffix = f":user:{user.pk}"
    try:
        delete_keys(
            lambda key: (
                key.endswith(user_suffix)
                or any(n in key for n in needles)
                or page_cache.is_persons_key(key, user.pk)
            )  # their kept pages: name, answers
        )
    except (RedisError, OSError) as error:
        # Never a reason to keep the rest: these counters expire within a day anyway.
        log.warning("erase.cache_unavailable error=%s", type(error).__name__)
