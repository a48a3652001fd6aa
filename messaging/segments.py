"""How many SMS segments a text takes: GSM-7 (160, or 153 per part) when every character
is in the GSM alphabet, otherwise UCS-2 (70, or 67 per part, counted in UTF-16 units)."""

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text)


# One part alone, or each part of a long text (the header that joins the parts again
# takes the rest): in septets for GSM-7, in UTF-16 units for UCS-2.
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def _parts(sizes, single: int, part: int) -> int:
    """Parts for characters of the given sizes. A character of two units (an escape and
    its character, or a surrogate pair) is never split over two parts: the network moves it
    whole to the next one, so 152 × "a" + "€" + 152 × "a" takes 3 parts, not 2."""
    if sum(sizes) <= single:
        return 1
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count


def segments(text: str) -> int:
    if is_gsm(text):
        # An extended character ({, €, …) is sent as an escape plus the character: two.
        return _parts([2 if ch in GSM_EXTENDED else 1 for ch in text], GSM_SINGLE, GSM_PART)
    # UCS-2 on the wire: a character outside the Basic Multilingual Plane (an emoji, rare
    # CJK) takes two units.
    return _parts([2 if ord(ch) > 0xFFFF else 1 for ch in text], UCS2_SINGLE, UCS2_PART)


# Typographic characters outside the GSM alphabet. One of them would switch a whole French
# or Filipino text to UCS-2 (70 characters a segment instead of 160).
PLAIN = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
    }
)


def gsm_friendly(text: str) -> str:
    """The same text in the GSM alphabet when only typography keeps it out."""
    plain = text.translate(PLAIN)
    return plain if is_gsm(plain) else text


def fit(render, title: str, max_segments: int = 2) -> str:
    """Render with the title, shortening only the title (with an ellipsis) until it fits."""
    text = gsm_friendly(render(title))
    cut = len(title)
    # Only the title is cut: the when, the where and the link are what the text is for.
    # Ten percent at a time keeps the loop short for a long title; 8 characters is the
    # least that still names the event, so past that the text takes a third part.
    while segments(text) > max_segments and cut > 8:
        cut -= max(1, cut // 10)
        text = gsm_friendly(render(title[:cut].rstrip() + "…"))
    return text
