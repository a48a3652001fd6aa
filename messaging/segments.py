"""How many SMS segments a text takes, counted as the network does, and fitting a text into
a budget of segments.

GSM-7 when every character is in the GSM alphabet: 160 septets in one part, 153 in each
part of a longer text; a character of the extension table ({, €, …) is an escape plus the
character, two septets that are never split between two parts. Otherwise UCS-2: 70 UTF-16
units in one part, 67 in each part of a longer text; a character outside the Basic
Multilingual Plane (an emoji, rare CJK) is a surrogate pair, also never split.
"""

import re
import unicodedata

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")

# (units in a text of one part, units in each part of a longer text)
LIMITS = {"GSM-7": (160, 153), "UCS-2": (70, 67)}


def is_gsm(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text)


def encoding(text: str) -> str:
    return "GSM-7" if is_gsm(text) else "UCS-2"


def _units(text: str) -> list[int]:
    """What each character costs on the wire, in septets (GSM-7) or UTF-16 units (UCS-2)."""
    if is_gsm(text):
        return [2 if ch in GSM_EXTENDED else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _parts(text: str) -> list[int]:
    """Where each part of a long text ends (character indexes), as the network cuts it."""
    units = _units(text)
    single, per_part = LIMITS[encoding(text)]
    if sum(units) <= single:
        return [len(text)] if text else []
    ends, used = [], 0
    for index, cost in enumerate(units):
        # A character of two units that does not fit whole in this part starts the next:
        # the last unit of the part stays empty.
        if used + cost > per_part:
            ends.append(index)
            used = 0
        used += cost
    ends.append(len(text))
    return ends


def segments(text: str) -> int:
    return max(1, len(_parts(text)))


# Typographic characters outside the GSM alphabet. One of them would switch a whole French,
# Filipino or Uzbek text to UCS-2 (70 characters a segment instead of 160).
PLAIN = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        # Uzbek Latin writes oʻ and gʻ with a turned comma and the glottal stop with a
        # modifier apostrophe; the straight apostrophe is how Uzbek is typed on any phone.
        "ʻ": "'",
        "ʼ": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)
# French sets « guillemets » and : ; ! ? apart with a (narrow) no-break space: as straight
# quotes they hug the words ("Réunion"), and the space before punctuation stays a space.
_GUILLEMETS = re.compile("«[\u00a0\u202f ]?|[\u00a0\u202f ]?»")


def gsm_friendly(text: str) -> str:
    """The same text in the GSM alphabet when only typography keeps it out; otherwise the
    text as it was (an Arabic or Chinese text keeps its own quotation marks)."""
    plain = _GUILLEMETS.sub('"', text).translate(PLAIN)
    return plain if is_gsm(plain) else text


def without_accents(text: str) -> str:
    """The text with the accents the GSM alphabet lacks taken off (á -> a, ê -> e, ç -> c,
    ë -> e), keeping those it has (é, ñ, ü, à, è): how Spanish, French or Albanian is often
    typed on a phone, and two segments of 153 characters instead of 67."""
    out = []
    for ch in text:
        if ch in GSM_BASIC or ch in GSM_EXTENDED:
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        out.append(base if base and is_gsm(base) else {"œ": "oe", "Œ": "OE"}.get(ch, ch))
    return "".join(out)


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
