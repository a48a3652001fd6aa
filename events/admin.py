import csv
import io

from django.contrib import admin, messages
from django.db.models import Count, F, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join, json_script
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent
from events import notices, services
from events.admin_texts import reminders_queued, sms_count, sms_rules
from events.models import Event, MessageCount, Rsvp, WalkIn
from families.models import Family
from messaging.models import Message
from portal.csv_safe import defuse
from portal.languages import ENDONYMS, LANGUAGE_CODES, is_rtl
from schools.access import SchoolOrDistrictScope, ScopedAdmin, ScopedInline, family_schools_for
from schools.admin import TabbedTranslationAdmin, translation_status


def may_see_answers(request, event) -> bool:
    """Who answered this event and what they wrote: staff of the event's school and
    superusers; district staff see the totals only (RELIABILITY C3, C5)."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or family_schools_for(user).filter(pk=event.school_id).exists()


def audit_answers(request, action: str, event_id, rows: int | None, allowed: bool = True):
    """One AuditEvent per look at an event's answers (RELIABILITY F5): ids and a count."""
    AuditEvent.record(request.user, action, event_id, allowed, object_type="event", rows=rows)


class RsvpInline(ScopedInline, admin.TabularInline):
    """Who is coming and the help they asked for, read-only, for staff who may see the
    event (answers are changed by families, or at the door)."""

    model = Rsvp
    extra = 0
    can_delete = False
    fields = [
        "family",
        "status",
        "adults",
        "children",
        "interpreter_language",
        "needs_childcare",
        "other_needs",
        "arrived_at",
    ]
    readonly_fields = fields
    ordering = ["status", "queued_at"]
    max_num = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or may_see_answers(request, obj)
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family")


@admin.register(Event)
class EventAdmin(SchoolOrDistrictScope, ScopedAdmin, TabbedTranslationAdmin):
    school_path = "school"
    list_display = ["title", "school", "starts_at", "status", "capacity", "people_going"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]
    list_select_related = ["school"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["partners"]
    readonly_fields = ["answers", "answer_totals", "translations", "pages", "sms_preview"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "school",
                    "district",
                    "kind",
                    "status",
                    "title",
                    "short_title",
                    "description",
                ]
            },
        ),
        (_("Text messages"), {"fields": ["sms_preview"]}),
        (
            _("When and where"),
            {"fields": ["starts_at", "ends_at", "place", "address", "online_link"]},
        ),
        (_("Places and answers"), {"fields": ["capacity", "rsvp_deadline", "answers"]}),
        (
            _("What the school offers"),
            {"fields": ["interpreter_languages", "childcare", "food", "accessible"]},
        ),
        (_("Partners and committee"), {"fields": ["partners", "committee"]}),
        (_("Pages"), {"fields": ["translations", "pages"]}),
    ]
    inlines = [RsvpInline]
    actions = ["cancel_events", "duplicate_events"]

    class Media:
        js = ("portal/admin-segment-counter.js",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name.startswith("short_title"):
            # Optional in every language: its tabs get no "missing" dot.
            field.widget.attrs["data-optional"] = "true"
        return field

    def get_queryset(self, request):
        going = Q(rsvps__status=Rsvp.Status.GOING)
        return (
            super()
            .get_queryset(request)
            .annotate(going_people=Sum(F("rsvps__adults") + F("rsvps__children"), filter=going))
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or may_see_answers(request, obj):
            return fieldsets
        # District staff: the figures, without the links to names (list, messages, door).
        return [
            (
                name,
                {
                    **options,
                    "fields": ["answer_totals" if f == "answers" else f for f in options["fields"]],
                },
            )
            for name, options in fieldsets
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        event = getattr(response, "context_data", {}).get("original")
        if response.status_code == 200 and event is not None and may_see_answers(request, event):
            audit_answers(request, "rsvps.event", event.pk, event.rsvps.count())
        return response

    @admin.display(description=_("people going"), ordering="going_people")
    def people_going(self, obj):
        return obj.going_people or 0

    def save_model(self, request, obj, form, change):
        # Same lock (and time limit) as the answers, held by the admin's transaction until
        # the extra parties have moved to the waiting list or the new places are given out:
        # lowering the places never leaves too many confirmed (D4). A lock held elsewhere
        # too long raises EventBusy, which events.middleware answers "busy, try again".
        if change:
            services.lock_event(obj)
        # The place is translated: the form's fields are place_en, place_es, …, never "place".
        moved = [
            name
            for name in form.changed_data
            if name in ("starts_at", "ends_at", "place", "address") or name.startswith("place_")
        ]
        if change and moved:
            obj.sequence += 1  # phones replace the event they hold (calendar SEQUENCE)
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            services.rebalance(obj)
        if change and moved and obj.status == Event.Status.PUBLISHED:
            notices.event_changed(obj)

    @admin.display(description=_("answers"))
    def answers(self, obj):
        return self._answers(obj, links=True)

    @admin.display(description=_("answers"))
    def answer_totals(self, obj):
        return self._answers(obj, links=False)

    def _answers(self, obj, links: bool):
        if obj is None or obj.pk is None:
            return "—"
        totals = obj.rsvps.aggregate(
            going=Sum(F("adults") + F("children"), filter=Q(status=Rsvp.Status.GOING)),
            waiting=Sum(F("adults") + F("children"), filter=Q(status=Rsvp.Status.WAITLISTED)),
            childcare=Sum("children", filter=Q(status=Rsvp.Status.GOING, needs_childcare=True)),
            arrived=Sum(F("adults") + F("children"), filter=Q(arrived_at__isnull=False)),
        )
        interpreters = (
            obj.rsvps.filter(status=Rsvp.Status.GOING, needs_interpreter=True)
            .values("interpreter_language")
            .annotate(n=Count("pk"))
            .order_by("-n")
        )
        languages = format_html_join(
            ", ",
            "{}: {}",
            (
                (ENDONYMS.get(i["interpreter_language"], i["interpreter_language"]), i["n"])
                for i in interpreters
            ),
        )
        totals_html = format_html(
            "<ul><li>{}: {}</li><li>{}: {}</li><li>{}: {}</li><li>{}: {}</li><li>{}: {}</li></ul>",
            _("People going"),
            totals["going"] or 0,
            _("People waiting"),
            totals["waiting"] or 0,
            _("Interpreters needed"),
            languages or "—",
            _("Childcare places (children)"),
            totals["childcare"] or 0,
            _("Arrived"),
            totals["arrived"] or 0,
        )
        if not links:
            return totals_html
        return totals_html + format_html(
            '<p><a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a></p>',
            reverse("admin:events_event_rsvps_csv", args=[obj.pk]),
            _("Download the list (CSV)"),
            reverse("events:door", args=[obj.pk]),
            _("Check-in page"),
            reverse("admin:events_event_messages", args=[obj.pk]),
            _("Messages to families"),
        )

    @admin.display(description=_("translations"))
    def translations(self, obj):
        languages = obj.school.languages if obj and obj.pk and obj.school_id else None
        return translation_status(obj, languages)

    @admin.display(description=_("reminder text in each language"))
    def sms_preview(self, obj):
        """The reminder as the worker would write it now, per language (it needs no
        JavaScript); each row also carries its text with the title left open, from which
        the live counter recounts while staff type."""
        rules = json_script(sms_rules(), "sms-rules")
        if obj is None or obj.pk is None:
            return rules
        rows = []
        for code in LANGUAGE_CODES:
            with translation.override(code):
                template = notices.sms_template(obj, "reminder", code)
                sample = Message(kind="reminder", language=code, context={"event": obj.pk})
                text = notices.render(sample, None).sms
            rows.append(
                (
                    code,
                    template,
                    ENDONYMS[code],
                    code,
                    "rtl" if is_rtl(code) else "ltr",
                    text,
                    sms_count(text),
                )
            )
        return rules + format_html(
            '<table class="sms-preview">{}</table>',
            format_html_join(
                "",
                '<tr data-language="{}" data-sms-template="{}"><th scope="row">{}</th>'
                '<td><pre class="message-preview" lang="{}" dir="{}">{}</pre>'
                '<p class="segment-count">{}</p></td></tr>',
                rows,
            ),
        )

    @admin.display(description=_("family page in each language"))
    def pages(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        links = []
        for code in LANGUAGE_CODES:
            with translation.override(code):
                links.append((obj.get_absolute_url(), code, ENDONYMS[code]))
        return format_html_join(" · ", '<a href="{}" lang="{}">{}</a>', links)

    def get_urls(self):
        return [
            path(
                "<int:pk>/rsvps.csv",
                self.admin_site.admin_view(self.rsvps_csv),
                name="events_event_rsvps_csv",
            ),
            path(
                "<int:pk>/messages/",
                self.admin_site.admin_view(self.messages_view),
                name="events_event_messages",
            ),
            *super().get_urls(),
        ]

    def messages_view(self, request, pk):
        """The event's messages: status and reasons, a preview in any language and channel,
        "send a reminder now", and a new try for a message that failed or is in doubt."""
        event = get_object_or_404(self.get_queryset(request), pk=pk)
        if not (self.has_view_permission(request, event) and may_see_answers(request, event)):
            return HttpResponse(status=403)
        if request.method == "POST" and self.has_change_permission(request, event):
            action = request.POST.get("action")
            if action == "remind_now":
                queued = notices.remind_now(event)
                self.message_user(request, reminders_queued(event, queued), messages.SUCCESS)
            elif action == "resend":
                message_id = request.POST.get("message", "")
                message = Message.objects.filter(
                    pk=int(message_id) if message_id.isdecimal() else 0, context__event=event.pk
                ).first()
                if message is not None and notices.resend(message):
                    self.message_user(request, _("Queued again."), messages.SUCCESS)
            return redirect(request.path)
        rows = list(Message.objects.filter(context__event=event.pk).order_by("-due_at")[:200])
        ids = [int(m.recipient.split(":")[1]) for m in rows if m.recipient.startswith("family:")]
        names = {f"family:{f.pk}": f.display_name for f in Family.objects.filter(pk__in=ids)}
        for row in rows:
            row.family_name = names.get(row.recipient, "—")
        # Every message by status, beyond the 200 rows listed: how many are in doubt after a
        # worker died shows here, for staff to check with those families. From the counts
        # the database keeps with the messages, not by reading them all.
        totals = dict(
            MessageCount.objects.filter(event=event)
            .order_by()
            .values_list("status")
            .annotate(n=Sum("count"))
        )
        status_counts = [
            (v, label, totals[v]) for v, label in Message.Status.choices if totals.get(v)
        ]
        audit_answers(request, "rsvps.messages", event.pk, len(names))
        preview_language = request.GET.get("language", "en")
        preview_kind = request.GET.get("kind", "reminder")
        preview = None
        if preview_language in LANGUAGE_CODES and preview_kind in notices.KINDS:
            with translation.override(preview_language):
                sample = Message(
                    kind=preview_kind, language=preview_language, context={"event": event.pk}
                )
                preview = notices.render(sample, None)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Messages: %(event)s") % {"event": event.title},
            "event": event,
            "rows": rows,
            "status_counts": status_counts,
            "total": sum(totals.values()),
            "preview": preview,
            "preview_language": preview_language,
            "preview_kind": preview_kind,
            "kinds": notices.KINDS,
            "languages": [(code, ENDONYMS[code]) for code in LANGUAGE_CODES],
            "can_change": self.has_change_permission(request, event),
            "opts": self.model._meta,
        }
        return render(request, "admin/events/event_messages.html", context)

    def rsvps_csv(self, request, pk):
        event = self.get_queryset(request).filter(pk=pk).first()
        if event is None or not self.has_view_permission(request, event):
            audit_answers(request, "rsvps.csv", pk, None, allowed=False)
            raise Http404
        if not may_see_answers(request, event):
            audit_answers(request, "rsvps.csv", pk, None, allowed=False)
            return HttpResponse(status=403)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                _("family"),
                _("answer"),
                _("adults"),
                _("children"),
                _("interpreter language"),
                _("needs childcare"),
                _("other needs"),
                _("arrived"),
            ]
        )
        rows = list(event.rsvps.select_related("family").order_by("status", "queued_at"))
        for row in rows:
            writer.writerow(
                [
                    defuse(row.family.display_name),
                    row.get_status_display(),
                    row.adults,
                    row.children,
                    row.get_interpreter_language_display() if row.needs_interpreter else "",
                    _("yes") if row.needs_childcare else "",
                    defuse(row.other_needs),
                    row.arrived_at.isoformat() if row.arrived_at else "",
                ]
            )
        audit_answers(request, "rsvps.csv", event.pk, len(rows))
        # A byte-order mark, so spreadsheet programs read the names in every script.
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-answers.csv"'
        return response

    @admin.action(description=_("Cancel (families who answered are told)"))
    def cancel_events(self, request, queryset):
        told = sum(
            services.cancel_event(event)
            for event in queryset.exclude(status=Event.Status.CANCELLED)
        )
        self.message_user(
            request, _("Cancelled. Families told: %(count)s.") % {"count": told}, messages.SUCCESS
        )

    @admin.action(description=_("Duplicate as a draft"))
    def duplicate_events(self, request, queryset):
        for event in queryset:
            services.duplicate_event(event)
        self.message_user(request, _("Copies made as drafts."), messages.SUCCESS)


@admin.register(Rsvp)
class RsvpAdmin(SchoolOrDistrictScope, ScopedAdmin):
    """Answers name families: school staff only; district staff have the reports."""

    school_path = "event__school"
    scope_prefix = "event__"
    staff_actions = frozenset({"view"})
    district_actions = frozenset()
    list_display = [
        "family",
        "event",
        "status",
        "adults",
        "children",
        "interpreter_language",
        "needs_childcare",
        "arrived_at",
    ]
    list_filter = ["status", "needs_childcare", "needs_interpreter"]
    list_select_related = ["family", "event"]
    search_fields = ["family__display_name", "event__title"]
    readonly_fields = [f.name for f in Rsvp._meta.fields]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            shown = list(changelist.result_list)
            events = {row.event_id for row in shown}
            # One event per look: the event when the list shows one, else "*" (several).
            event_id = events.pop() if len(events) == 1 else "*"
            audit_answers(request, "rsvps.list", event_id, len(shown))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        rsvp = getattr(response, "context_data", {}).get("original")
        if response.status_code == 200 and rsvp is not None:
            audit_answers(request, "rsvps.answer", rsvp.event_id, 1)
        return response


@admin.register(WalkIn)
class WalkInAdmin(SchoolOrDistrictScope, ScopedAdmin):
    school_path = "event__school"
    scope_prefix = "event__"
    staff_actions = frozenset({"view", "delete"})
    district_actions = frozenset()  # names given at the door
    list_display = ["name", "language", "people", "event", "arrived_at"]
    list_select_related = ["event"]
