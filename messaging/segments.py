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


def truncate(text: str, max_segments: int = 2) -> str:
    """The text within max_segments, the last resort of fit(): first without the accents the
    GSM alphabet lacks, when that makes it fit; else cut at the end of its last sentence that
    fits (or at a word, with an ellipsis), so that nothing over the limit is ever sent."""
    if segments(text) <= max_segments:
        return text
    plain = gsm_friendly(without_accents(text))
    if is_gsm(plain):
        if segments(plain) <= max_segments:
            return plain
        text = plain
    low, high = 0, len(text)
    while low < high:  # the longest start that fits: more text never takes fewer segments
        middle = (low + high + 1) // 2
        if segments(gsm_friendly(text[:middle].rstrip() + "…")) <= max_segments:
            low = middle
        else:
            high = middle - 1
    start = text[:low]
    # Whole sentences when they keep most of the room; a sentence cut in the middle can
    # lose what matters ("... log in once").
    ends = [m.end() for m in re.finditer(r"[.!?。！？؟۔।](?=\s)", start)]
    if ends and ends[-1] >= low * 3 // 5:
        return gsm_friendly(start[: ends[-1]])
    space = start.rfind(" ")
    if space >= low * 4 // 5:
        start = start[:space]
    return gsm_friendly(start.rstrip(" ,;:") + "…")


def shorten(title: str, keep: int, floor: int = 0) -> str:
    """The title cut to about `keep` characters (never fewer than floor), at a word when
    one ends near there."""
    if len(title) <= keep:
        return title
    cut = title[:keep]
    space = cut.rfind(" ")
    # Back to the last whole word unless that loses more than a fifth of what is kept (a
    # language without spaces, or a very long word, is cut where it is).
    if space >= max(keep * 4 // 5, floor):
        cut = cut[:space]
    cut = cut.rstrip(" ,.;:-–—")
    # A cut that ends on a space or a comma would fall under the floor once they go: take
    # the letters after them instead.
    end = keep
    while len(cut) < floor and end < len(title):
        end += 1
        cut = title[:end].rstrip(" ,.;:-–—")
    return cut + "…"


def fit(
    render,
    title: str,
    variants=({},),
    *,
    last_resort=(),
    max_segments: int = 2,
    min_title: int = 25,
) -> str:
    """The text within max_segments, keeping as much of the title as it can.

    render(title, **variant) writes the text. variants are what the renderer can shorten
    besides the title, longest first (a long then a short date, the place then a shorter
    one, the long link then the short one): each is tried with the whole title, then the
    title is cut, with the shortest variant, to the most that fits, never below min_title
    characters. last_resort variants (the text without the place) are used only when
    min_title characters do not fit otherwise. If even they leave no room, the title is cut
    further, and at the very last the text itself: a text over the limit costs more, and
    past 1,600 characters the provider does not deliver it at all.
    """
    variants = list(variants) or [{}]
    for variant in variants:
        text = gsm_friendly(render(title, **variant))
        if segments(text) <= max_segments:
            return text
    floor = min(min_title, len(title))
    for variant in [variants[-1], *last_resort]:

        def cut(keep, variant=variant):
            return gsm_friendly(render(shorten(title, keep, floor), **variant))

        if segments(cut(floor)) > max_segments:
            continue
        # The most title that fits: a longer title never takes fewer segments, so a binary
        # search finds it in a few renders.
        low, high = floor, len(title) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if segments(cut(middle)) <= max_segments:
                low = middle
            else:
                high = middle - 1
        return cut(low)
    # Not even min_title characters fit (a very long place or name): the link is what lets
    # the family read the rest, so the title gives way before the text is cut.
    shortest = [*variants, *last_resort][-1]
    for keep in range(floor - 1, 7, -1):
        text = gsm_friendly(render(shorten(title, keep), **shortest))
        if segments(text) <= max_segments:
            return text
    return truncate(gsm_friendly(render(shorten(title, floor), **shortest)), max_segments)


def first_sentence(text: str) -> str:
    """The text up to the end of its first sentence (., !, ?, or their CJK, Arabic and Urdu
    forms), or all of it when it has no end."""
    match = re.search(r"[.!?。！？؟۔](?=\s|$)|[。！？]", text.strip())
    return text.strip()[: match.end()] if match else text.strip()
