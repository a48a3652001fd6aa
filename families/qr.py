import io
import re

import segno


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
