from django import template

from portal.page_cache import public_part as cached_part

register = template.Library()


@register.tag
def public_part(parser, token):
    """{% public_part "name" %}…{% endpublic_part %}: a part of the page every visitor of this
    address sees alike, served from the page cache to signed-in visitors too
    (portal.page_cache.public_part). Inside, only what the address, the language and public
    content decide: never the family's answer or name, never a form, never a staff link."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("public_part takes one quoted name")
    nodelist = parser.parse(("endpublic_part",))
    parser.delete_first_token()
    return PublicPartNode(nodelist, bits[1][1:-1])


class PublicPartNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        request = context.get("request")
        # A draft seen by its staff (a preview) is not public: it is rendered afresh.
        if request is None or context.get("preview"):
            return self.nodelist.render(context)
        return cached_part(request, self.name, lambda: self.nodelist.render(context))
