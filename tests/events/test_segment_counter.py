"""The event admin's segment counter: the browser's count (admin-segment-counter.js, run
here with node) agrees with the server's (messaging.segments) on the hard cases, and the
change page shows each language's reminder with staff's short title and its count."""

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from events import notices
from events.admin_texts import sms_rules
from events.models import Event
from messaging.models import Message
from messaging.segments import gsm_friendly, is_gsm, segments
from portal.languages import LANGUAGE_CODES
from tests.events.conftest import make_event
from tests.events.test_admin import event_form

SCRIPT = Path(settings.BASE_DIR) / "portal/static/portal/admin-segment-counter.js"

NODE = """
const { makeCounter } = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const counter = makeCounter(input.rules);
const out = input.samples.map(function (text) {
  const friendly = counter.gsmFriendly(text);
  return Object.assign({ friendly: friendly }, counter.count(friendly));
});
process.stdout.write(JSON.stringify(out));
"""

SAMPLES = [
    "",
    "a" * 160,
    "a" * 161,
    "a" * 306,
    "a" * 307,
    # An escape and its character, or a surrogate pair, on a part boundary: moved whole.
    "a" * 152 + "€" + "a" * 152,
    "a" * 152 + "{" + "a" * 153,
    "a" * 150 + "€" * 5,
    "€" * 80,
    "€" * 81,
    "[~]|^\\" * 30,
    "ж" * 70,
    "ж" * 71,
    "ж" * 66 + "😀" + "ж" * 66,
    "ж" * 67 + "😀" * 34,
    "😀" * 35,
    "😀" * 36,
    "𠀀" * 40,
    # Typography that the server replaces, and that which it cannot.
    "Rappel : « Soirée des familles », jeudi 4 janvier, 18 h 30. https://e.example/fr/e/7",
    "Rappel\u202f: «\u00a0Soirée\u00a0», jeudi\u2009! «Réunion»",
    "Paalala: “Gabi ng pamilya” — Huwebes… https://e.example/tl/e/7",
    "Eslatma: “Oilaviy kecha”, 4-yanvar. O\u02bbzbekcha " * 3,
    "تذكير: «ليلة العائلة»، الخميس 4 يناير، 18:30. https://e.example/ar/e/7",
    "提醒：“家庭之夜”，1月4日星期四 18:30，图书馆。https://e.example/zh-hans/e/7",
    "Нагадування: «Сімейний вечір», четвер, 4 січня, 18:30, бібліотека." * 3,
    "Tab\there, line\nbreak, cr\r, form\f feed, ÇØÅΔΦΓΛΩΠΨΣΘΞ ¤§¿¡ äöñüà ÄÖÑÜ",
]


def node_counts(samples, script=SCRIPT):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the admin's counter")
    result = subprocess.run(
        [node, "-e", NODE, str(script)],
        input=json.dumps({"rules": sms_rules(), "samples": samples}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def python_counts(samples):
    out = []
    for text in samples:
        friendly = gsm_friendly(text)
        out.append(
            {
                "friendly": friendly,
                "segments": segments(friendly),
                "encoding": "GSM-7" if is_gsm(friendly) else "UCS-2",
                "characters": len(friendly),
            }
        )
    return out


def reminder_texts(event):
    texts = []
    for code in LANGUAGE_CODES:
        with translation.override(code):
            sample = Message(kind="reminder", language=code, context={"event": event.pk})
            texts.append(notices.render(sample, None).sms)
    return texts


def test_the_browser_counts_like_the_server():
    assert node_counts(SAMPLES) == python_counts(SAMPLES)


def test_an_escape_on_a_part_boundary_takes_a_third_part_in_both():
    text = "a" * 152 + "€" + "a" * 152
    assert segments(text) == 3
    assert node_counts([text])[0]["segments"] == 3


@pytest.mark.django_db
def test_the_browser_counts_every_real_reminder_like_the_server(school_a):
    event = make_event(school_a, title="Family night: how to read the report card")
    for code in LANGUAGE_CODES:
        setattr(event, f"title_{code.replace('-', '_')}", "Ночь семьи ✓ «отчёт» — " * 5)
    event.save()
    texts = reminder_texts(event)
    assert node_counts(texts) == python_counts(texts)


@pytest.mark.django_db
def test_staff_set_a_short_title_per_language_and_the_page_shows_it(client, staff_a, school_a):
    client.force_login(staff_a)
    long_ru = "Вечер для семей: как читать табель успеваемости и говорить с учителем ребёнка"
    data = event_form(
        school_a,
        title_ru=long_ru,
        short_title_ru="Вечер о табеле",
        short_title_es="Noche del boletín",
    )
    response = client.post("/admin/events/event/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert (event.short_title_ru, event.short_title_es) == ("Вечер о табеле", "Noche del boletín")
    assert not event.short_title_en

    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert "admin-segment-counter.js" in page
    rows = dict(re.findall(r'<tr data-language="([^"]+)".*?<pre[^>]*>(.*?)</pre>', page, re.S))
    assert set(rows) == set(LANGUAGE_CODES)
    # Each language's short title is what its texts carry; English has none: its title.
    assert "Вечер о табеле" in unescape(rows["ru"])
    assert long_ru not in unescape(rows["ru"])
    assert "Noche del boletín" in unescape(rows["es"])
    assert "Meet the principal" in unescape(rows["en"])
    count_row = r'<tr data-language="([^"]+)".*?class="segment-count">(.*?)<'
    counts = {
        code: re.sub("[\u2068\u2069]", "", line) for code, line in re.findall(count_row, page, re.S)
    }
    assert counts["ru"].startswith("2 segments · UCS-2 · ")
    assert re.match(r"1 segment · GSM-7 · \d+ characters", counts["en"])
    # The page's counter rules are the server's, and the Russian template leaves the title open.
    assert 'id="sms-rules"' in page
    template = unescape(re.search(r'data-language="ru" data-sms-template="([^"]+)"', page)[1])
    assert "%(title)s" in template and "/ru/" in template


@pytest.mark.django_db
def test_the_counter_words_are_in_the_staff_members_language(client, staff_a, school_a):
    event = make_event(school_a, title="Family night")
    client.force_login(staff_a)
    page = client.get(
        f"/admin/events/event/{event.pk}/change/", headers={"accept-language": "es"}
    ).content.decode()
    rules = json.loads(re.search(r'id="sms-rules"[^>]*>(.*?)</script>', page, re.S)[1])
    words = rules["words"]["segments"]
    assert words["forms"][words["index"][2]] == "%(count)s segmentos"
