"""Volunteering in the admin, scoped per school (schools.access.ScopedAdmin): staff publish
opportunities with their shifts (title and description in every language, one tab each),
and see who comes to each shift. Sign-ups name families: staff of the school only; a
district role neither opens them nor widens what a school role shows (C3, C5)."""

from django.contrib import admin
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent
from schools.access import ScopedAdmin, ScopedInline
from schools.admin import TabbedTranslationAdmin, translation_status
from signups.volunteering import services
from signups.volunteering.models import Opportunity, Shift, VolunteerSignup


class ShiftInline(ScopedInline, admin.TabularInline):
    model = Shift
    extra = 1
    fields = ["starts_at", "ends_at", "places", "coming", "who_comes"]
    readonly_fields = ["coming", "who_comes"]

    def get_queryset(self, request):
        going = Q(signups__status=VolunteerSignup.Status.GOING)
        waiting = Q(signups__status=VolunteerSignup.Status.WAITLISTED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                people_coming=Sum("signups__people", filter=going),
                parties_waiting=Count("signups", filter=waiting),
            )
        )

    @admin.display(description=_("coming"))
    def coming(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return _("%(coming)s of %(places)s people; %(waiting)s waiting") % {
            "coming": getattr(obj, "people_coming", None) or 0,
            "places": obj.places,
            "waiting": getattr(obj, "parties_waiting", None) or 0,
        }

    @admin.display(description=_("who comes"))
    def who_comes(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:signups_shift_change", args=[obj.pk]),
            _("See who comes"),
        )


@admin.register(Opportunity)
class OpportunityAdmin(ScopedAdmin, TabbedTranslationAdmin):
    school_path = "school"
    # District staff may look (counts only, below); the names are in the shifts.
    district_actions = frozenset({"view"})
    list_display = ["title", "school", "status", "shift_count"]
    list_filter = ["status"]
    search_fields = ["title"]
    list_select_related = ["school"]
    readonly_fields = ["translations"]
    fieldsets = [
        (None, {"fields": ["school", "status", "title", "description"]}),
        (_("What help is wanted"), {"fields": ["place", "skills", "languages"]}),
        (_("Pages"), {"fields": ["translations"]}),
    ]
    inlines = [ShiftInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(shifts_total=Count("shifts"))

    @admin.display(description=_("shifts"), ordering="shifts_total")
    def shift_count(self, obj):
        return obj.shifts_total

    @admin.display(description=_("translations"))
    def translations(self, obj):
        return translation_status(obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Shift:
            return super().save_formset(request, form, formset, change)
        # Fewer or more places on a shift: under the shift's lock (taken in id order, so two
        # staff saving at once cannot deadlock), held by the admin's transaction until the
        # newest parties have moved to the waiting list or the free places are given out.
        changed = sorted(
            (f.instance for f in formset.forms if f.instance.pk and "places" in f.changed_data),
            key=lambda shift: shift.pk,
        )
        moved = [
            f.instance.pk
            for f in formset.forms
            if f.instance.pk and "starts_at" in f.changed_data and f not in formset.deleted_forms
        ]
        for shift in changed:
            services.lock_shift(shift)
        super().save_formset(request, form, formset, change)
        for shift in changed:
            services.rebalance(Shift.objects.select_related("opportunity__school").get(pk=shift.pk))
        for shift in Shift.objects.select_related("opportunity__school").filter(pk__in=moved):
            services.remind_of_new_time(shift)


class SignupInline(ScopedInline, admin.TabularInline):
    """Who comes to the shift, and who waits in order: read-only (families sign up)."""

    model = VolunteerSignup
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["family", "family_language", "status", "people", "note", "queued_at"]
    readonly_fields = fields
    ordering = ["status", "queued_at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .exclude(status=VolunteerSignup.Status.CANCELLED)
            .select_related("family")
        )

    @admin.display(description=_("language"))
    def family_language(self, obj):
        return obj.family.get_language_display()


@admin.register(Shift)
class ShiftAdmin(ScopedAdmin):
    """A shift's page: its times and places, and the families coming, then waiting."""

    school_path = "opportunity__school"
    staff_actions = frozenset({"view", "change"})
    district_actions = frozenset()  # the page lists families by name
    list_display = ["__str__", "starts_at", "places", "people_coming"]
    list_select_related = ["opportunity"]
    # No filter by opportunity: its choices would list every school's (unscoped).
    search_fields = ["opportunity__title"]
    fields = ["opportunity", "starts_at", "ends_at", "places"]
    readonly_fields = ["opportunity"]
    inlines = [SignupInline]

    def get_queryset(self, request):
        going = Q(signups__status=VolunteerSignup.Status.GOING)
        return super().get_queryset(request).annotate(coming=Sum("signups__people", filter=going))

    @admin.display(description=_("people coming"), ordering="coming")
    def people_coming(self, obj):
        return obj.coming or 0

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        shift = getattr(response, "context_data", {}).get("original")
        if response.status_code == 200 and shift is not None:
            AuditEvent.record(
                request.user,
                "volunteers.shift",
                shift.pk,
                True,
                object_type="shift",
                rows=shift.signups.count(),
            )
        return response

    def save_model(self, request, obj, form, change):
        if change:
            services.lock_shift(obj)
        super().save_model(request, obj, form, change)
        if change and "places" in form.changed_data:
            services.rebalance(obj)
        if change and "starts_at" in form.changed_data:
            services.remind_of_new_time(obj)


@admin.register(VolunteerSignup)
class VolunteerSignupAdmin(ScopedAdmin):
    """Every sign-up of the school's shifts, to search and filter; read-only."""

    school_path = "shift__opportunity__school"
    staff_actions = frozenset({"view"})
    district_actions = frozenset()
    list_display = ["family", "shift", "status", "people", "note", "queued_at"]
    list_filter = ["status"]
    list_select_related = ["family", "shift__opportunity"]
    search_fields = ["family__display_name", "shift__opportunity__title"]
    readonly_fields = [f.name for f in VolunteerSignup._meta.fields]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            AuditEvent.record(
                request.user,
                "volunteers.list",
                "*",
                True,
                object_type="shift",
                rows=len(changelist.result_list),
            )
        return response
