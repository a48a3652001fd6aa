"""A family's free text by SMS joins its conversation (registered last in
ConversationsConfig.ready(), after the handler that turns "1"/"2" into an answer to an
event). Only a number that belongs to exactly one family is taken here; a number shared by
several families, or by none, is left to the next handler (return False)."""

from conversations import services
from conversations.models import Thread
from families.models import Family, Membership
from messaging import registry
from messaging.phones import to_e164


def register() -> None:
    registry.register_inbound(handle)


def handle(reply: registry.InboundText) -> bool:
    text = reply.body.strip()
    if not text:
        return False
    phone = to_e164(reply.phone) or reply.phone
    families = list(Family.objects.active().filter(user__phone=phone)[:2]) if phone else []
    if len(families) != 1:
        return False
    family = families[0]
    # The school it last wrote with; else the first school that confirmed it.
    thread = Thread.objects.filter(family=family).order_by("-last_message_at").first()
    school = thread.school if thread is not None else None
    if school is None:
        membership = (
            Membership.objects.filter(family=family, status=Membership.Status.CONFIRMED)
            .select_related("school")
            .order_by("pk")
            .first()
        )
        school = membership.school if membership is not None else None
    if school is None:
        return False
    services.write_from_family(
        family=family, school=school, text=text[:5000], language=family.language
    )
    return True
