"""Who reaches whom, and who writes which message: the contract between the outbox and the
apps that send through it.

The outbox (messaging.outbox, the send task in messaging.tasks) knows no app. A message is
a row with a recipient key ("family:42"), a kind ("reminder") and a small context
({"event": 7}); the words are written only when it is sent. Each app that sends declares
its kinds in its own `notices.py` (module docstring: every kind it renders) and registers
them here from its AppConfig.ready(), so grepping a kind's name finds its renderer.

resolvers: prefix -> resolve(ident: str) -> Recipient | None
    The part of the recipient key before the colon picks the resolver, which reads the
    person afresh at send time: language, the channels they accept in the order they
    prefer (a STOP reply or a removed number takes one away), phone, email, time zone.
    None, or no channel left: the message is cancelled, never sent elsewhere.

renderers: kind -> render(message: Message, recipient: Recipient) -> Rendered
    Called by the send task once per attempt, inside translation.override(message.language),
    from the rows as they are then (a moved event is sent with its new time). It returns an
    outbox.Rendered: `sms` (within two segments: messaging.segments.fit, given the
    variants the renderer can shorten before the title, or, for a text with no title,
    families.notices.fit_notice), the
    email's subject, plain body and HTML (outbox.email_html), `voice_script` (read
    aloud: no web address) and `voice_question` (asked at the end of a call inside Twilio's
    <Gather>: the key pressed comes back through `keypresses` below) and `school_id` (the
    school the message is from, None for none: an email's Reply-To names it, so that a
    reply joins that conversation, messaging.email_replies). A link in a text is
    built with reverse() in the message's language, on settings.PORTAL_BASE_URL (never a
    path put together by hand). A kind with
    no renderer fails with "no renderer for <kind>". Renderers must not write: the send
    task may call one again after a crash.

resolve_many: prefix -> resolve(idents: list[str]) -> {ident: Recipient}   (optional)
    The same for a whole batch in a few queries; an ident left out cannot be reached.

still_current: kind -> check(message: Message) -> bool   (optional, with the renderer)
superseded: kind -> check(messages: list[Message]) -> set of their pks   (optional)
    Asked by the send task after it has claimed the messages, before anything is rendered:
    a message that is not current (in the set) is superseded by a later state (a
    confirmation for an answer since changed to "not going", "waiting list" once a place
    opened, a second identical reminder), and it is cancelled, not sent. superseded answers
    for a whole batch at once; still_current is asked message by message when an app gives
    only that. Reads only; the send task records why.

render_key: kind -> key(message: Message, prefetched: dict | None) -> hashable   (optional)
    Messages with the same key read the same (the renderer does not look at the recipient):
    the text is written once for all of them. prefetched is what the kind's prefetch read
    for the batch. A key whose last part is not None is a version of everything the
    renderer reads, and the text is kept for later batches of the same process
    (messaging.tasks.RENDERED_KEPT); with None last, it is kept for its batch only.

prefetch: kind -> read(messages: list[Message]) -> dict   (optional, with the renderer)
    What the renderer reads, for a whole batch in one query; passed to the renderer as
    render(message, recipient, prefetched=...). Reads only.

TIME_CRITICAL_KINDS
    Kinds that the family's daily limit and the day's budget for texts do not hold back:
    their time is the point (messaging.budget.tier_of_kind, messaging.tasks).

URGENT_KINDS
    Kinds that may wake a family at night: only announcement_urgent (an announcement a
    school or district admin marked urgent); every other kind waits for the morning
    (outbox.outside_quiet_hours).

Who registers what (tests/messaging/test_registry.py checks this list against the
registries and each notices.py docstring):

    families (families/notices.py)
        resolver "family"
        notice          a text written when it was scheduled (welcome, answers to
                        messages, seat decisions: families.services.notify)
        sign_in_paused  wrong sign-in codes paused code login (accounts.limits); time-critical
    events (events/notices.py)
        rsvp_going, rsvp_waitlisted, promoted, reminder, event_changed, event_cancelled;
        time-critical: reminder, event_changed, event_cancelled
    conversations (conversations/notices.py)
        conversation_answer  a school answered in the family's conversation
    conversations (conversations/announcements/notices.py)
        announcement, announcement_urgent; time-critical and urgent: announcement_urgent
    signups (signups/notices.py)
        conference_booked, conference_reminder, conference_cancelled (the school called a
        meeting off: its context carries what it says, the booking may be gone);
        time-critical: conference_reminder, conference_cancelled
    signups, volunteering (signups/volunteering/notices.py)
        volunteer_reminder, volunteer_promoted; time-critical: volunteer_reminder

inbound: [handle(reply: InboundText) -> bool, ...]   (in registration order)
    A text a family sent us (the provider's signed webhook, messaging.views.inbound_sms),
    after STOP/START words were handled. Each handler is asked in turn, inside the
    transaction that records the provider's MessageSid once (a reply delivered twice is
    handled once); the first that returns True has dealt with it. Handlers send any answer
    through the outbox, never in the webhook's response.
    conversations (conversations/replies.py) answers "1"/"2"/yes/no to the last event or
    conference text first (conversations/conference_replies.py: 1 confirms a meeting, 2
    cancels it), and a number no family has; its threads take the rest.

inbound_email: [handle(reply: InboundEmail) -> bool, ...]   (in registration order)
    A reply to one of our emails (the provider's signed webhook, messaging.email_replies):
    the recipient key and the school's id its Reply-To address named (messaging.
    email_replies.reply_address), and the words the family wrote above the quoted email.
    Asked inside the transaction that records the email's Message-Id once; the first that
    returns True has dealt with it. conversations (conversations/email_replies.py) puts it
    in the family's thread with the school.
    conversations (conversations/replies.py) answers "1"/"2"/yes/no to the last event text
    first, and a number no family has; its threads take the rest. A number several
    families share is asked which family a text is for when more than one could be meant
    (conversations/shared_number.py); the text is then handed on again, once, with
    `recipient` naming the family chosen: handlers find families through
    families.models.Family.objects.reached_at(), narrowed to that recipient.

keypresses: [handle(press: InboundText) -> bool, ...]   (in registration order)
    A key pressed at the end of a call (Twilio <Gather>, messaging.views.voice_gather):
    phone is the number called, body the digits, sid "<CallSid>:<digits>" (recorded once,
    as for texts). conversations/replies.py turns 1 or 2 into the answer to the event or
    the meeting.

Login codes are not here: they are sent within the request by outbox.send_at_once, with
the text given, and never rendered again; so is the one reply a day to a number no family
has (kind "unknown_number", conversations/replies.py), and the question to a phone several
families share (kind "which_family", conversations/shared_number.py).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from messaging.models import Message
    from messaging.outbox import Recipient, Rendered

# "family" -> callable(ident) -> Recipient | None
resolvers: dict[str, Callable[[str], "Recipient | None"]] = {}
# kind -> callable(message, recipient) -> Rendered (called inside the message's language)
renderers: dict[str, Callable[["Message", "Recipient"], "Rendered"]] = {}
# kind -> callable(message) -> False when a later answer or message supersedes it
still_current: dict[str, Callable[["Message"], bool]] = {}
# kind -> callable(messages) -> pks of those a later answer or message supersedes
superseded: dict[str, Callable[[list["Message"]], set[int]]] = {}
# prefix -> callable(idents) -> {ident: Recipient}
resolve_many: dict[str, Callable[[list[str]], dict[str, "Recipient"]]] = {}
# kind -> callable(message) -> what makes its text (equal keys, equal texts)
render_key: dict[str, Callable[["Message", dict | None], object]] = {}
# kind -> callable(messages) -> what the renderer reads for them, read at once
prefetch: dict[str, Callable[[list["Message"]], dict]] = {}
TIME_CRITICAL_KINDS: set[str] = set()
URGENT_KINDS: set[str] = set()


@dataclass(frozen=True)
class InboundText:
    phone: str  # as the provider gave it (E.164)
    body: str
    sid: str  # the provider's MessageSid ("" when it gave none)
    # The recipient key ("family:42") the sender said the text is for, when a number
    # several families share was asked which one (conversations/shared_number.py); "" for
    # a text as the provider delivered it.
    recipient: str = ""


# handle(InboundText) -> True when handled; asked in registration order
inbound: list[Callable[[InboundText], bool]] = []


def register_inbound(handle: Callable[[InboundText], bool]) -> None:
    if handle not in inbound:
        inbound.append(handle)


def hand_on_inbound(text: InboundText) -> bool:
    """Give a family's text to the first handler that takes it."""
    return any(handle(text) for handle in inbound)


@dataclass(frozen=True)
class InboundEmail:
    recipient: str  # "family:42", from the signed Reply-To address
    school_id: int | None  # the school the email was about; None: about no school
    body: str  # the words above the quoted email, as plain text
    sid: str  # what was recorded once (a hash of the Message-Id)


# handle(InboundEmail) -> True when handled; asked in registration order
inbound_email: list[Callable[[InboundEmail], bool]] = []


def register_inbound_email(handle: Callable[[InboundEmail], bool]) -> None:
    if handle not in inbound_email:
        inbound_email.append(handle)


def hand_on_inbound_email(reply: InboundEmail) -> bool:
    """Give a family's reply by email to the first handler that takes it."""
    return any(handle(reply) for handle in inbound_email)


# handle(InboundText) -> True when handled; a key pressed during a call
keypresses: list[Callable[[InboundText], bool]] = []


def register_keypress(handle: Callable[[InboundText], bool]) -> None:
    if handle not in keypresses:
        keypresses.append(handle)


def hand_on_keypress(press: InboundText) -> bool:
    """Give a key pressed at the end of a call to the first handler that takes it."""
    return any(handle(press) for handle in keypresses)


def register_resolver(
    prefix: str,
    resolve: Callable[[str], "Recipient | None"],
    many: Callable[[list[str]], dict[str, "Recipient"]] | None = None,
) -> None:
    resolvers[prefix] = resolve
    if many is not None:
        resolve_many[prefix] = many


def register_renderer(
    kinds: Iterable[str],
    render: Callable[["Message", "Recipient"], "Rendered"],
    *,
    time_critical: Iterable[str] = (),
    current: Callable[["Message"], bool] | None = None,
    current_many: Callable[[list["Message"]], set[int]] | None = None,
    key: Callable[["Message", dict | None], object] | None = None,
    read_ahead: Callable[[list["Message"]], dict] | None = None,
) -> None:
    """One renderer for the app's kinds; time_critical must be among them. current (one
    message) or current_many (a batch), if given, tell the send task whether a message of
    these kinds is still worth sending; key, which messages read the same; read_ahead, what
    the renderer reads for a whole batch."""
    kinds = tuple(kinds)
    time_critical = set(time_critical)
    if not time_critical <= set(kinds):
        raise ValueError(f"time-critical kinds not rendered here: {time_critical - set(kinds)}")
    for kind in kinds:
        renderers[kind] = render
        if current is not None:
            still_current[kind] = current
        if current_many is not None:
            superseded[kind] = current_many
        if key is not None:
            render_key[kind] = key
        if read_ahead is not None:
            prefetch[kind] = read_ahead
    TIME_CRITICAL_KINDS.update(time_critical)
