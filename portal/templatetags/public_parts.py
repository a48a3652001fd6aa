from django import template

from portal.page_cache import public_part as cached_part

register = template.Library()


@register.tag
def public_part(parser, token):
    """{% public_part "name" %}…{% endpublic_part %}: a part of the page every visitor of this
    address sees alike, served from the page cache to signed-in visitors too
    (portal.page_cache.public_part). Inside, only what the address, the language and public
    content decide: never the family's answer or name, never a form, never a staff link.
    {% public_part "name" places %}: a part that shows places left, retired by every answer
    too."""
    bits = token.split_contents()
    places = bits[2:] == ["places"]
    if places:
        bits = bits[:2]
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('public_part takes one quoted name (and "places")')
    nodelist = parser.parse(("endpublic_part",))
    parser.delete_first_token()
    return PublicPartNode(nodelist, bits[1][1:-1], places)


class PublicPartNode(template.Node):
    def __init__(self, nodelist, name, places=False):
        self.nodelist = nodelist
        self.name = name
        self.places = places

    def render(self, context):
        request = context.get("request")
        # A draft seen by its staff (a preview) is not public: it is rendered afresh.
        if request is None or context.get("preview"):
            return self.nodelist.render(context)
        return cached_part(
            request, self.name, lambda: self.nodelist.render(context), places=self.places
        )
