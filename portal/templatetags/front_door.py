from django import template

from portal import front_door

register = template.Library()


@register.simple_tag(takes_context=True)
def waiting_work(context):
    """The admin's front page: what waits for this staff member today (portal.front_door)."""
    return front_door.waiting_work(context["request"])


@register.simple_tag(takes_context=True)
def staff_door(context):
    """The header's "Staff" link: this person's front door, or "" for a family. The header
    asks only for a logged-in person, whose pages the shared cache never stores
    (portal.page_cache), so no cached page can carry it."""
    request = context.get("request")
    return (front_door.url_for(request.user) if request is not None else None) or ""


@register.simple_tag(takes_context=True)
def cohosted_events(context):
    """A community partner's coming events (today's first), each leading to its door page,
    on their front door: assisted registration knows no events, so the portal adds them."""
    request = context.get("request")
    return front_door.cohosted_events(request.user) if request is not None else []
