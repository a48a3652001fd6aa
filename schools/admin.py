from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from accounts.admin import UserAdmin
from accounts.models import User
from portal.languages import ENDONYMS
from schools.access import ScopedAdmin, ScopedInline
from schools.models import District, Guide, GuideSection, GuideSectionAudio, Partner, School
from schools.staff import StaffRole


class TabbedTranslationAdmin(TranslationAdmin):
    """Translation fields as one tab per language, with a marker on the missing ones.

    Our own small script (no jQuery UI from a CDN, which the CSP forbids); without it the
    fields simply stand one under another.
    """

    class Media:
        js = ("portal/admin-translation-tabs.js",)
        css = {"all": ("portal/admin.css",)}


def translation_status(obj, languages=None):
    if obj is None or obj.pk is None:
        return "—"
    missing = set(obj.missing_languages(languages))
    codes = languages or list(ENDONYMS)
    return format_html_join(
        " ",
        '<span class="{}" title="{}">{} {}</span>',
        (
            (
                "mt-missing" if code in missing else "mt-done",
                _("missing") if code in missing else _("translated"),
                "✗" if code in missing else "✓",
                ENDONYMS[code],
            )
            for code in codes
        ),
    )


@admin.register(District)
class DistrictAdmin(ScopedAdmin, TabbedTranslationAdmin):
    district_path = ""
    staff_actions = frozenset()
    district_actions = frozenset({"view"})
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(School)
class SchoolAdmin(ScopedAdmin, TabbedTranslationAdmin):
    school_path = ""
    staff_actions = frozenset({"view", "change"})
    district_actions = frozenset({"view", "add", "change"})
    list_display = ["name", "district", "phone", "languages_list", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    readonly_fields = ["translations"]
    fieldsets = [
        (None, {"fields": ["district", "name", "slug", "is_active"]}),
        (_("How families reach the school"), {"fields": ["address", "phone", "time_zone"]}),
        (_("Languages"), {"fields": ["languages", "translations"]}),
        (_("Welcome"), {"fields": ["welcome", "safe_zone"]}),
    ]

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name_en"]} if obj is None else {}

    @admin.display(description=_("languages"))
    def languages_list(self, obj):
        return ", ".join(ENDONYMS.get(code, code) for code in obj.languages)

    @admin.display(description=_("translations of the welcome text"))
    def translations(self, obj):
        return translation_status(obj, obj.languages if obj else None)


class GuideSectionInline(ScopedInline, admin.TabularInline):
    model = GuideSection
    fields = ["title", "status", "order", "edit_link"]
    readonly_fields = ["title", "edit_link"]
    extra = 0
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        # Sections are written on their own page, with a tab for each language.
        return False

    @admin.display(description=_("edit"))
    def edit_link(self, obj):
        if obj.pk is None:
            return ""
        url = reverse("admin:schools_guidesection_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Edit text and recordings"))


@admin.register(Guide)
class GuideAdmin(ScopedAdmin, TabbedTranslationAdmin):
    school_path = "school"
    list_display = ["title", "school", "status", "order", "updated_at"]
    list_filter = ["status"]
    list_editable = ["order"]
    search_fields = ["title"]
    list_select_related = ["school"]
    readonly_fields = ["translations"]
    fields = ["school", "title", "slug", "summary", "status", "order", "translations"]
    inlines = [GuideSectionInline]
    prepopulated_fields = {"slug": ["title_en"]}

    @admin.display(description=_("translations of the title"))
    def translations(self, obj):
        return translation_status(obj, obj.school.languages if obj and obj.pk else None)


class RecorderFileInput(AdminFileWidget):
    """The recording's file input, followed by a recorder (portal/admin-recorder.js) that puts
    what staff record into this same input: saved with the form, it is checked exactly as an
    uploaded file is (schools.audio). Without the script the recorder stays hidden; the
    current recording has a player either way, so staff listen before they replace it."""

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        current = value.url if value and getattr(value, "url", None) else ""
        return field + render_to_string("admin/schools/recorder.html", {"current": current})


class GuideSectionAudioInline(ScopedInline, admin.TabularInline):
    model = GuideSectionAudio
    extra = 1
    fields = ["language", "file"]

    class Media:
        js = ("portal/admin-recorder.js",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "file":
            kwargs["widget"] = RecorderFileInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(GuideSection)
class GuideSectionAdmin(ScopedAdmin, TabbedTranslationAdmin):
    school_path = "guide__school"
    list_display = ["title", "guide", "school", "status", "order", "reading_grade"]
    list_filter = ["status"]
    list_select_related = ["guide__school"]
    search_fields = ["title", "guide__title"]
    autocomplete_fields = ["guide"]
    readonly_fields = ["translations", "reading_grade"]
    fields = ["guide", "title", "body", "status", "order", "translations", "reading_grade"]
    inlines = [GuideSectionAudioInline]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        # The recorder plays back what was just recorded from a blob: address, which the
        # site's policy (media from this site only) refuses; only this page allows it.
        media = [*settings.SECURE_CSP.get("media-src", []), "blob:"]
        response._csp_config = {**settings.SECURE_CSP, "media-src": media}
        return response

    @admin.display(description=_("school"))
    def school(self, obj):
        return obj.guide.school

    @admin.display(description=_("translations"))
    def translations(self, obj):
        return translation_status(obj, obj.guide.school.languages if obj and obj.pk else None)

    @admin.display(description=_("reading grade (estimate)"))
    def reading_grade(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        grades = obj.reading_grades()
        if not grades:
            return _("No estimate for these languages.")
        limit = obj.too_hard_languages()
        return format_html_join(
            " ",
            '<span class="{}">{}: {}{}</span>',
            (
                (
                    "grade-warning" if code in limit else "grade-ok",
                    ENDONYMS[code],
                    grade,
                    format_html(" — {}", _("too hard: aim for grade 8 or below"))
                    if code in limit
                    else "",
                )
                for code, grade in grades.items()
            ),
        )


@admin.register(Partner)
class PartnerAdmin(ScopedAdmin):
    """Community partners: district staff link them to their district's schools."""

    school_path = "schools"
    staff_actions = frozenset({"view"})
    district_actions = frozenset({"view", "add", "change"})
    list_display = ["name", "phone"]
    search_fields = ["name"]
    filter_horizontal = ["schools"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["school", "district"]


# A person's page (accounts, below us, knows no roles) again, with their roles under it.
admin.site.unregister(User)


@admin.register(User)
class PersonWithRolesAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffRoleInline]
