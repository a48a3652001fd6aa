"""A family's reply to one of the school's emails joins its conversation with the school
(registered in ConversationsConfig.ready(); the webhook, the signed Reply-To address and
the Message-Id recorded once are messaging/email_replies.py's).

The school is the one the email was from (its renderer says: events, meetings, answers,
announcements), while the family still belongs to it. An email about no school (a welcome,
a notice, a district's announcement), or from a school the family has left, is answered
where a free text by SMS goes: the conversation the family last wrote in, else its first
confirmed school, among the schools it belongs to now. A family since erased, or one with
no school, gets nothing: the reply is dropped."""

import logging

from conversations import inbound, services
from conversations.models import MAX_LENGTH, ThreadMessage
from families.models import Family
from families.services import may_send_feedback
from messaging import registry
from schools.models import School

log = logging.getLogger("portal.conversations")


def register() -> None:
    registry.register_inbound_email(handle)


def school_for(family: Family, school_id: int | None) -> School | None:
    # Only a school the family still belongs to (services.schools_of): a reply to an old
    # email of a school it left goes where a reply about no school goes, never to the
    # inbox of staff who no longer see the family.
    schools = services.schools_of(family)
    if school_id is not None:
        school = schools.filter(pk=school_id).first()
        if school is not None:
            return school
    return inbound.school_for(family)  # where a free text by SMS would go


def handle(reply: registry.InboundEmail) -> bool:
    prefix, _, ident = reply.recipient.partition(":")
    if prefix != "family" or not ident.isdigit():
        return False
    family = Family.objects.active().filter(pk=int(ident)).first()
    if family is None:
        return False  # erased since the email went: nothing of it is kept
    school = school_for(family, reply.school_id)
    if school is None:
        return False
    text = reply.body.strip()[:MAX_LENGTH]
    if not text:
        return False
    # An email costs its sender nothing, and anyone the family forwarded one to holds the
    # address: replies count in the family's hourly cap of messages to schools, as on the
    # site, so they cannot fill the inbox (nor the translation bill).
    if not may_send_feedback(f"family:{family.pk}"):
        log.info("email reply dropped", extra={"reason": "over the family's hourly cap"})
        return False
    # In the family's language, as it chose it: staff read it translated like any other.
    services.write_from_family(
        family=family,
        school=school,
        text=text,
        language=family.language,
        kind=ThreadMessage.KIND_EMAIL,
    )
    return True
