"""How many SMS segments a text takes: GSM-7 (160, or 153 per part) when every character
is in the GSM alphabet, otherwise UCS-2 (70, or 67 per part, counted in UTF-16 units)."""

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text)


def segments(text: str) -> int:
    if is_gsm(text):
        # An extended character ({, €, …) is sent as an escape plus the character: two.
        units = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        return 1 if units <= 160 else -(-units // 153)
    # UCS-2 on the wire: a character outside the Basic Multilingual Plane (an emoji, rare
    # CJK) takes two units. A long text loses a few characters per part to the header that
    # joins the parts again: 153 and 67 instead of 160 and 70.
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


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
