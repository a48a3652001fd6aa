"""A family's free text by SMS joins its conversation (registered last in
ConversationsConfig.ready(), after the handler that turns "1"/"2" into an answer to an
event). The families are those the number reaches (Family.objects.reached_at, as for every
handler). A number several families share: the text joins the conversation of the only one
that belongs to a school, or the phone is asked which family it is for
(conversations/shared_number.py, RELIABILITY E14). A number no family has, or families
without a school, are left to the next handler (return False)."""

from conversations import services, shared_number
from conversations.models import Thread
from families.models import Family, Membership
from messaging import registry


def register() -> None:
    registry.register_inbound(handle)


def school_for(family: Family):
    """The school it last wrote with; else the first school that confirmed it; else None.
    Only schools it still belongs to (services.schools_of): never one it left."""
    schools = services.schools_of(family)
    thread = Thread.objects.filter(family=family, school__in=schools)
    thread = thread.select_related("school").order_by("-last_message_at").first()
    if thread is not None and thread.school is not None:
        return thread.school
    membership = (
        Membership.objects.filter(
            family=family, status=Membership.Status.CONFIRMED, school__in=schools
        )
        .select_related("school")
        .order_by("pk")
        .first()
    )
    return membership.school if membership is not None else None


def handle(reply: registry.InboundText) -> bool:
    text = reply.body.strip()
    if not text:
        return False
    with_school = [
        (family, school)
        for family in shared_number.families_for(reply)
        if (school := school_for(family)) is not None
    ]
    if not with_school:
        return False
    if len(with_school) > 1:
        return shared_number.hold_and_ask(reply, [family for family, _ in with_school])
    family, school = with_school[0]
    services.write_from_family(
        family=family, school=school, text=text[:5000], language=family.language
    )
    return True
