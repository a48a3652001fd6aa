"""RELIABILITY F1 and F6: no field asks for immigration status, ID numbers or birthplace,
and no page loads anything from another host."""

import re
from pathlib import Path

from django.apps import apps
from django.contrib import admin

ROOT = Path(__file__).resolve().parents[2]
BANNED = re.compile(
    r"immigra|citizen|\bssn\b|social.?security|a.?number|alien|visa\b|passport|birth.?place"
    r"|place.?of.?birth|country.?of.?birth|\bdob\b|date.?of.?birth|national.?id|id.?number"
    r"|migratori|ciudadan|pasaporte|lugar.?de.?nacimiento|pa[ií]s.?de.?nacimiento|seguro.?social"
    r"|nationalit|nacionalidad|nationalité",
    re.I,
)


def test_no_model_field_collects_banned_data():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            label = " ".join(
                str(x)
                for x in (
                    field.name,
                    getattr(field, "verbose_name", ""),
                    getattr(field, "help_text", ""),
                )
            )
            assert not BANNED.search(label), f"{model._meta.label}.{field.name}: {label}"


def test_no_admin_column_or_form_field_collects_banned_data(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        for column in model_admin.get_list_display(request):
            assert not BANNED.search(str(column)), (model, column)
        form = model_admin.get_form(request)
        for name, field in form.base_fields.items():
            assert not BANNED.search(f"{name} {field.label} {field.help_text}"), (model, name)


def test_no_template_form_input_asks_for_banned_data():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for name in re.findall(r"""<(?:input|select|textarea)[^>]*name=["']([^"']+)""", text):
            assert not BANNED.search(name), (template, name)
        for label in re.findall(r"<label[^>]*>(.*?)</label>", text, re.S):
            assert not BANNED.search(label), (template, label)


def test_the_banned_list_bites():
    for word in (
        "immigration_status",
        "passport_number",
        "country_of_birth",
        "SSN",
        "estatus migratorio",
    ):
        assert BANNED.search(word)


def test_templates_and_css_load_nothing_from_other_hosts():
    # Loads only: a plain link a person taps (a map) is not a request the page makes.
    external = re.compile(
        r"""<(?:script|img|audio|video|source|iframe|embed|object)\b[^>]*\ssrc\s*=\s*["']?\s*"""
        r"""(?:https?:)?//|<link\b[^>]*\shref\s*=\s*["']?\s*(?:https?:)?//"""
        r"""|url\(\s*["']?(?:https?:)?//|@import""",
        re.I,
    )
    for path in list((ROOT / "templates").rglob("*.html")) + list(ROOT.glob("*/static/**/*.css")):
        text = path.read_text(encoding="utf-8")
        assert not external.search(text), path
