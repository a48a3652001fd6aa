"""Replies to the school's emails: the Reply-To address each email to a family carries, and
the provider's inbound webhook that reads a reply sent to it (RELIABILITY E13).

The address is `reply+<family>-<school>-<signature>@<INBOUND_EMAIL_DOMAIN>`: the family's
and the school's ids (base 36; 0 when the email was about no school) and the first 20 hex
digits of an HMAC of both under SECRET_KEY. It names no person, number or address, only
two of our row ids, and nobody can make one up: the signature is the proof of which family
and school a reply is for, whoever's mailbox it comes from (a parent writing from a work
address, or a relative the family forwarded the email to, is still the family answering).
Lower case only: some mail systems change the case of an address's local part.

Mailgun receives the reply (an inbound route forwards it to `/messaging/email/inbound/`,
signed with MAILGUN_WEBHOOK_SIGNING_KEY); django-anymail checks the signature and parses
the post, then `receive` below takes the words the family wrote (without the quoted email
under them, attachments left out), records the email's Message-Id once and hands the
words to the handlers the apps above registered (messaging.registry.inbound_email). The
messaging app knows no family: the recipient key ("family:42") and the school's id are all
it passes on.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from messaging import registry
from messaging.models import InboundSms

log = logging.getLogger("portal.messaging")

LOCAL_PREFIX = "reply+"
SALT = "messaging.email_replies.reply-to"
SIGNATURE_LENGTH = 20  # hex digits: 80 bits, far beyond guessing through a webhook
TOKEN = re.compile(rf"^([0-9a-z]{{1,12}})-([0-9a-z]{{1,12}})-([0-9a-f]{{{SIGNATURE_LENGTH}}})$")
# Long enough for any letter; conversations cut to their own limit.
MAX_TEXT = 20_000


@dataclass(frozen=True)
class ReplyTo:
    recipient: str  # "family:42"
    school_id: int | None  # None: the email was about no school


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _signature(family: str, school: str, secret: str | None = None) -> str:
    value = f"{family}-{school}"
    return salted_hmac(SALT, value, secret=secret, algorithm="sha256").hexdigest()[
        :SIGNATURE_LENGTH
    ]


def reply_address(recipient_key: str, school_id: int | None) -> str:
    """The Reply-To of an email to this recipient about this school; "" when replies by
    email are off (no INBOUND_EMAIL_DOMAIN), when the webhook could not check a reply (no
    signing key, messaging.E005: the reply would be lost, while without a Reply-To it
    reaches DEFAULT_FROM_EMAIL's mailbox as before) or the recipient is not a family."""
    domain = (getattr(settings, "INBOUND_EMAIL_DOMAIN", "") or "").strip().lower()
    prefix, _, ident = recipient_key.partition(":")
    if not domain or not settings.MAILGUN_WEBHOOK_SIGNING_KEY:
        return ""
    if prefix != "family" or not ident.isdigit():
        return ""
    family, school = _base36(int(ident)), _base36(school_id or 0)
    return f"{LOCAL_PREFIX}{family}-{school}-{_signature(family, school)}@{domain}"


def read_address(address: str) -> ReplyTo | None:
    """Whom a reply sent to this address is for; None for any address we did not make (a
    changed digit, another domain, a signature under no key we hold)."""
    domain = (getattr(settings, "INBOUND_EMAIL_DOMAIN", "") or "").strip().lower()
    local, _, at = address.strip().strip("<>").lower().rpartition("@")
    if not domain or at != domain or not local.startswith(LOCAL_PREFIX):
        return None
    match = TOKEN.match(local.removeprefix(LOCAL_PREFIX))
    if match is None:
        return None
    family, school, signature = match.groups()
    # A key being rotated out (SECRET_KEY_FALLBACKS) still reads the replies to emails
    # sent before the rotation.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(signature, _signature(family, school, s)) for s in secrets):
        return None
    school_id = int(school, 36)
    return ReplyTo(recipient=f"family:{int(family, 36)}", school_id=school_id or None)


# What the family wrote, without what it quoted -------------------------------------------

# "On Mon, 7 Dec 2026 at 09:00, School <reply+…> wrote:" and its forms in other mail apps
# and languages: a line ending in ":" followed by quoted (">") lines is read as one.
ORIGINAL_MESSAGE = re.compile(r"^\s*-{2,}\s*original message\s*-{2,}", re.IGNORECASE)
OUTLOOK_RULE = re.compile(r"^\s*_{10,}\s*$")
ON_WROTE = re.compile(r"^\s*on\b.*\bwrote:\s*$", re.IGNORECASE)
HEADER_LINE = re.compile(r"^\s*[\w .-]{2,20}:\s*\S")


def without_quote(text: str) -> str:
    """The words above the quoted email: from the attribution line ("On … wrote:"), an
    "Original Message" or Outlook's rule before "From:", everything goes, and so does any
    line quoted with ">"."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if ORIGINAL_MESSAGE.match(line) or ON_WROTE.match(line):
            break
        if OUTLOOK_RULE.match(line) and any(
            HEADER_LINE.match(after) for after in lines[index + 1 : index + 3]
        ):
            break
        if line.rstrip().endswith(":") and _quoted_after(lines, index):
            # An attribution wrapped at the address ("On …, School <" / "reply+…> wrote:")
            # loses both lines; a line of the family's just above it stays.
            if kept and kept[-1].rstrip().endswith("<"):
                kept.pop()
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def _quoted_after(lines: list[str], index: int) -> bool:
    for after in lines[index + 1 :]:
        if after.strip():
            return after.lstrip().startswith(">")
    return False


class _HtmlText(HTMLParser):
    """An HTML email's words as plain text: paragraphs and line breaks kept, the quoted
    email (a blockquote, Gmail's and Thunderbird's quote blocks), styles and scripts
    left out."""

    BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}
    SKIPPED = {"blockquote", "style", "script", "head", "title"}
    QUOTE_CLASSES = ("gmail_quote", "moz-cite-prefix", "yahoo_quoted")
    # Outlook puts no element around the quoted email: from its marker on, all is quote.
    QUOTE_STARTS = ("appendonsend", "divrplyfwdmsg")
    VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0  # depth inside a skipped element
        self.quote_started = False

    def handle_starttag(self, tag, attrs):
        marks = " ".join(value or "" for name, value in attrs if name in ("class", "id")).lower()
        if any(start in marks for start in self.QUOTE_STARTS):
            self.quote_started = True
        if tag in self.VOID:
            if tag == "br" and not self.skipping:
                self.parts.append("\n")
            return
        if self.skipping or tag in self.SKIPPED or any(c in marks for c in self.QUOTE_CLASSES):
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping and not self.quote_started:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\xa0]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def text_of(message) -> str:
    """The words of a reply: Mailgun's stripped-text (the reply without the quoted email
    and the signature) when it sent one, else the plain part, else the HTML part as text;
    then without quoted lines, NUL bytes, and anything past MAX_TEXT."""
    text = (getattr(message, "stripped_text", None) or "").strip()
    if not text:
        text = (message.text or "").strip()
    if not text and message.html:
        text = html_to_text(message.html)
    return without_quote(text.replace("\x00", "")[: MAX_TEXT * 2])[:MAX_TEXT]


# The webhook's signal -----------------------------------------------------------------------


def addressed_to(message) -> ReplyTo | None:
    """The reply address among the email's recipients (Mailgun's envelope recipient first:
    the one its route matched)."""
    candidates = [getattr(message, "envelope_recipient", None) or ""]
    for header in ("to", "cc"):
        candidates += [address.addr_spec for address in getattr(message, header, [])]
    for candidate in candidates:
        for address in candidate.split(","):
            found = read_address(address)
            if found is not None:
                return found
    return None


def automatic(message) -> bool:
    """An out-of-office answer or a list's mail: no family wrote it (RFC 3834)."""
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return (
        auto != "no"
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
    )


def delivery_key(message, reply_to: ReplyTo, text: str) -> str:
    """What identifies one email across the provider's retries: its Message-Id (hashed: it
    may hold the sender's domain), else the address and the words."""
    message_id = (message.get("Message-ID") or "").strip()
    source = message_id or f"{reply_to.recipient}:{reply_to.school_id}:{text}"
    return "email:" + hashlib.sha256(source.encode("utf-8", "replace")).hexdigest()[:58]


def receive(sender, event, esp_name, **kwargs) -> None:
    """anymail's `inbound` signal: a reply the provider received, its signature checked.
    What is not a family's reply to one of our emails is dropped with a log line (no
    address, no words); the response is 200 either way, so the provider does not retry."""
    message = event.message
    if message is None:
        return
    reply_to = addressed_to(message)
    if reply_to is None:
        log.info("email reply dropped", extra={"reason": "no reply address of ours"})
        return
    if automatic(message):
        log.info("email reply dropped", extra={"reason": "automatic answer"})
        return
    text = text_of(message)
    if not text:
        log.info("email reply dropped", extra={"reason": "no words"})
        return
    key = delivery_key(message, reply_to, text)
    with transaction.atomic():
        # The provider posts again when our answer was slow or lost, and a mail server may
        # deliver one email twice: one message in the thread per Message-Id (RELIABILITY
        # E10, E13), even when both arrive at once (the second waits on the unique key).
        if InboundSms.first_delivery(key):
            reply = registry.InboundEmail(
                recipient=reply_to.recipient, school_id=reply_to.school_id, body=text, sid=key
            )
            if not registry.hand_on_inbound_email(reply):
                log.info("email reply dropped", extra={"reason": "no family takes it"})
