import contextlib
import hashlib
import io
import re

import segno
from django.core.cache import cache

from portal.page_cache import CACHE_DOWN

# A day: the code of a pass never changes (a new pass has a new address), so this only
# bounds how long the cache keeps the code of a pass nobody opens any more.
QR_CACHE_SECONDS = 24 * 3600


def pass_qr_svg(data: str) -> str:
    """A pass's code, kept in the cache by its address's hash.

    Encoding it (segno's mask evaluation) costs more CPU than the rest of the pass page, and
    the address is the same on every visit. It holds nothing of the family but the pass's
    signed random id. Only for passes: a code carrying a secret (the authenticator set-up)
    is never stored."""
    key = "qr-svg:" + hashlib.sha256(data.encode()).hexdigest()
    try:
        svg = cache.get(key)
    except CACHE_DOWN:
        svg = None
    if svg is None:
        svg = qr_svg(data)
        # Shown all the same when Redis is down; the next visit encodes it again.
        with contextlib.suppress(*CACHE_DOWN):
            cache.set(key, svg, QR_CACHE_SECONDS)
    return svg


def qr_svg(data: str) -> str:
    """An inline SVG QR code: no image request, no script, prints sharp."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(
        buffer,
        kind="svg",
        scale=4,
        border=2,
        xmldecl=False,
        svgns=True,
        nl=False,
        svgclass="qr",
        lineclass=None,
    )
    svg = buffer.getvalue().decode()
    # A viewBox lets the code scale to the card (on screen and on paper) without cropping.
    return re.sub(
        r'width="(\d+)" height="(\d+)"',
        lambda m: f'width="{m[1]}" height="{m[2]}" viewBox="0 0 {m[1]} {m[2]}"',
        svg,
        count=1,
    )
