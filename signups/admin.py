"""Conference days, interpreters and bookings in the admin, scoped per school
(schools.access.ScopedAdmin): staff see and print only their own school's. Bookings and
parents' offers name families, so a district role opens none of them (district staff
have the reports)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent
from portal.languages import ENDONYMS
from schools.access import ScopedAdmin, ScopedInline
from schools.admin import TabbedTranslationAdmin
from signups import services
from signups.models import Availability, Booking, Break, ConferenceDay, Host, Interpreter
from signups.volunteering import admin as volunteering_admin  # noqa: F401

FAMILY_ROWS = frozenset()  # district_actions for models that name families


@admin.register(Interpreter)
class InterpreterAdmin(ScopedAdmin):
    school_path = "school"
    district_actions = FAMILY_ROWS
    list_display = ["name", "school", "kind", "language_names", "approved", "note"]
    list_filter = ["approved", "kind"]
    search_fields = ["name"]
    list_select_related = ["school"]
    readonly_fields = ["family", "created_at"]
    fields = ["school", "name", "kind", "languages", "approved", "note", "family", "created_at"]
    actions = ["approve"]

    @admin.display(description=_("languages"))
    def language_names(self, obj):
        return ", ".join(ENDONYMS.get(code, code) for code in obj.languages)

    @admin.action(description=_("Approve (the interpreter can be booked)"))
    def approve(self, request, queryset):
        count = queryset.update(approved=True)
        self.message_user(request, _("Approved: %(count)s.") % {"count": count}, messages.SUCCESS)


class DayInline(ScopedInline):
    extra = 0


class BreakInline(DayInline, admin.TabularInline):
    model = Break


class HostInline(DayInline, admin.TabularInline):
    model = Host
    extra = 1


class AvailabilityInline(DayInline, admin.TabularInline):
    model = Availability
    extra = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "interpreter":
            # The school's own approved interpreters only (InterpreterAdmin's scope).
            scoped = self.admin_site._registry[Interpreter].get_queryset(request)
            kwargs["queryset"] = scoped.filter(approved=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ConferenceDay)
class ConferenceDayAdmin(ScopedAdmin, TabbedTranslationAdmin):
    # The place in every language, one tab each (signups/translation.py).
    school_path = "school"
    district_actions = FAMILY_ROWS
    list_display = ["date", "school", "starts", "ends", "status", "booked", "print_links"]
    list_filter = ["status"]
    list_select_related = ["school"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["school", "status", "date", "starts", "ends", "slot_minutes"]}),
        (_("Where"), {"fields": ["place", "by_phone"]}),
        (_("Booking"), {"fields": ["booking_deadline", "print_links"]}),
    ]
    readonly_fields = ["print_links"]
    inlines = [HostInline, BreakInline, AvailabilityInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(booked_count=Count("slots__bookings"))

    @admin.display(description=_("booked"))
    def booked(self, obj):
        return getattr(obj, "booked_count", "")

    @admin.display(description=_("Print the day's schedule"))
    def print_links(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:signups_conferenceday_print", args=[obj.pk])
        return format_html(
            '<a href="{}?by=host" target="_blank">{}</a> · '
            '<a href="{}?by=interpreter" target="_blank">{}</a>',
            url,
            _("per teacher"),
            url,
            _("per interpreter"),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data and obj.status == obj.Status.CANCELLED:
            # The families with a meeting this day are told, once each (signups.notices).
            told = services.day_cancelled(obj)
            if told:
                self.message_user(
                    request,
                    _("The families with a meeting this day are told it is cancelled: %(count)s.")
                    % {"count": told},
                    messages.SUCCESS,
                )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # New hosts and changed hours get their times; times already booked are kept.
        form.instance.make_slots()

    def get_urls(self):
        return [
            path(
                "<int:pk>/print/",
                self.admin_site.admin_view(self.print_view),
                name="signups_conferenceday_print",
            ),
            *super().get_urls(),
        ]

    def print_view(self, request, pk):
        """The day's schedule on paper: one page per teacher (who comes when, by phone or
        not, with which interpreter) or per interpreter (where to be when)."""
        day = get_object_or_404(self.get_queryset(request).select_related("school"), pk=pk)
        if not self.has_view_permission(request, day):
            raise PermissionDenied
        by = "interpreter" if request.GET.get("by") == "interpreter" else "host"
        bookings = list(
            Booking.objects.filter(slot__day=day)
            .select_related("slot", "host", "family", "interpreter")
            .order_by("starts_at", "host__name")
        )
        for booking in bookings:
            booking.slot.day = day
            booking.language_name = ENDONYMS.get(booking.interpreter_language, "")
        groups: dict = {}
        if by == "host":
            for host in day.hosts.all():
                groups[host] = []
            for booking in bookings:
                groups.setdefault(booking.host, []).append(booking)
        else:
            for booking in bookings:
                if booking.interpreter_id:
                    groups.setdefault(booking.interpreter, []).append(booking)
        AuditEvent.record(
            request.user,
            f"conferences.print.{by}",
            day.pk,
            True,
            object_type="conference_day",
            rows=len(bookings),
        )
        return render(
            request,
            "admin/signups/print.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Schedule"),
                "day": day,
                "by": by,
                "groups": list(groups.items()),
                "opts": self.model._meta,
            },
        )


@admin.register(Booking)
class BookingAdmin(ScopedAdmin):
    """Who booked which time: read-only (families book, change and cancel themselves)."""

    school_path = "slot__day__school"
    staff_actions = frozenset({"view"})
    district_actions = FAMILY_ROWS
    list_display = [
        "starts_at",
        "host",
        "family",
        "child_name",
        "by_phone",
        "interpreter_language",
        "interpreter",
    ]
    list_filter = ["by_phone", "interpreter_language"]
    list_select_related = ["host", "family", "interpreter"]
    search_fields = ["family__display_name", "host__name", "child_name"]
    readonly_fields = [f.name for f in Booking._meta.fields]
