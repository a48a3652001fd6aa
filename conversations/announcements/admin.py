"""Announcements in the admin, scoped per school (district staff: their district's).

One page: the audience, a version per language (inline rows), the text message each
language would get with its segment count, the buttons (save and send now, save and
schedule, fill the missing languages by machine translation) and, once sent, its delivery
per language and channel. The buttons save first, so nothing typed is lost when the send
or the translation is refused.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from conversations.announcements import notices, services
from conversations.announcements.models import Announcement, Version
from events.admin_texts import sms_count
from messaging.models import Message
from portal.languages import ENDONYMS, is_rtl
from schools.access import SchoolOrDistrictScope, ScopedAdmin, ScopedInline

SEND_NOW, SCHEDULE, UNSCHEDULE, FILL = "_send_now", "_schedule", "_unschedule", "_fill_missing"


class VersionInline(ScopedInline, admin.StackedInline):
    model = Version
    extra = 1
    fields = ["language", "title", "body", "needs_review"]
    verbose_name = _("version")
    verbose_name_plural = _("versions (one per language)")


@admin.register(Announcement)
class AnnouncementAdmin(SchoolOrDistrictScope, ScopedAdmin):
    school_path = "school"
    change_form_template = "conversations/announcements/admin_change_form.html"
    list_display = ["__str__", "organiser", "audience", "status", "urgent", "when", "languages"]
    list_filter = ["status", "audience", "urgent"]
    list_select_related = ["school", "district"]
    readonly_fields = ["status", "sent_at", "sms_preview", "delivery"]
    inlines = [VersionInline]

    class Media:
        # The text previews wrap like the events' (portal/static/portal/admin.css).
        css = {"all": ("portal/admin.css",)}

    def get_fieldsets(self, request, obj=None):
        return [
            (
                None,
                {
                    "fields": [
                        "school",
                        "district",
                        "audience",
                        "event",
                        "committee",
                        "default_language",
                        "urgent",
                        "send_at",
                        "status",
                        "sent_at",
                    ]
                },
            ),
            (_("Text messages, language by language"), {"fields": ["sms_preview"]}),
            (_("Delivery"), {"fields": ["delivery"]}),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("versions")

    def has_change_permission(self, request, obj=None):
        # Sent, or scheduled and due: the page shows it read-only, versions included (the
        # inlines follow this through ScopedInline), without the buttons.
        if obj is not None and obj.is_locked():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # What families received stays on record (and its texts still queued are counted):
        # a sent or due announcement is not deleted, from its page or from the list.
        if obj is not None and obj.is_locked():
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The list's "delete selected" asks only the model's permission: the confirmation
        # page names the sent ones as kept and deletes nothing.
        protected = [*protected, *(str(obj) for obj in objs if obj.is_locked())]
        return deleted, counts, perms_needed, protected

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is None or not str(object_id).isdecimal():
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            # The row's lock, held until this edit is saved: a send under way (services.send
            # holds it too) finishes first and the edit is then refused; an edit saved first
            # is what goes out.
            current = Announcement.objects.select_for_update().filter(pk=object_id).first()
            if (
                current is not None
                and current.is_locked()
                and self.has_view_permission(request, current)
            ):
                # A forged POST, or a page left open while it went out: nothing is saved.
                self.message_user(
                    request,
                    gettext(
                        "This announcement has been sent, or is being sent: families "
                        "received this text, so it can no longer be changed. To correct it, "
                        "write a new announcement."
                    ),
                    messages.ERROR,
                )
                return HttpResponseRedirect(
                    reverse("admin:conversations_announcement_change", args=[current.pk])
                )
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Plain staff see the box but cannot tick it; a forged POST is ignored too (the
        # field is not in their form) and refused again when sending (services.check_ready).
        if not services.may_mark_urgent(request.user):
            fields.append("urgent")
        if obj is not None and obj.status == Announcement.Status.SENT:
            fields += ["school", "district", "audience", "event", "committee", "urgent", "send_at"]
        return list(dict.fromkeys(fields))

    @admin.display(description=_("from"))
    def organiser(self, obj):
        return obj.school or obj.district

    @admin.display(description=_("sent or due"), ordering="sent_at")
    def when(self, obj):
        moment = obj.sent_at or obj.send_at
        return (
            formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
            if moment
            else "—"
        )

    @admin.display(description=_("languages"))
    def languages(self, obj):
        versions = obj.versions.all()
        return " ".join(f"{v.language}{'*' if v.needs_review else ''}" for v in versions) or "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if not services.may_mark_urgent(request.user):
            if change:
                obj.urgent = (
                    Announcement.objects.filter(pk=obj.pk).values_list("urgent", flat=True).get()
                )
            else:
                obj.urgent = False
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for version in instances:
            if (
                version.pk is not None
                and "needs_review" in _changed(formset, version)
                and not version.needs_review
            ):
                # A person unticked "needs review": the approval is theirs.
                version.reviewed_by, version.reviewed_at = request.user, timezone.now()
            version.save()
        for version in formset.deleted_objects:
            version.delete()
        formset.save_m2m()

    # The buttons -----------------------------------------------------------------------

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._after_save(request, obj) or super().response_change(request, obj)

    def _after_save(self, request, obj):
        post = request.POST
        if not any(name in post for name in (SEND_NOW, SCHEDULE, UNSCHEDULE, FILL)):
            return None
        if FILL in post:
            self._fill(request, obj)
        elif UNSCHEDULE in post:
            services.unschedule(obj)
            self.message_user(request, gettext("Not scheduled any more: it is a draft again."))
        else:
            self._send(request, obj, scheduled=SCHEDULE in post)
        return HttpResponseRedirect(
            reverse("admin:conversations_announcement_change", args=[obj.pk])
        )

    def _send(self, request, obj, scheduled: bool):
        try:
            if scheduled:
                if obj.send_at is None:
                    self.message_user(
                        request, gettext("Choose when to send it first."), messages.ERROR
                    )
                    return
                services.schedule(obj, by=request.user)
                when = formats.date_format(timezone.localtime(obj.send_at), "DATETIME_FORMAT")
                self.message_user(
                    request, gettext("Scheduled: it goes out at %(time)s.") % {"time": when}
                )
                return
            queued = services.send(obj, by=request.user)
        except (services.NotAllowed, services.NotReady) as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return
        if obj.status == Announcement.Status.SENT and not queued:
            self.message_user(
                request,
                gettext("Already sent: no family gets it twice."),
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            ngettext(
                "Sent to %(count)s family. Texts wait out the night unless urgent.",
                "Sent to %(count)s families. Texts wait out the night unless urgent.",
                queued,
            )
            % {"count": queued},
        )

    def _fill(self, request, obj):
        result = services.fill_missing(obj)
        if result.unavailable:
            self.message_user(
                request,
                gettext(
                    "No machine translation is set up for this portal. Write the versions yourself."
                ),
                messages.WARNING,
            )
            return
        names = lambda codes: ", ".join(ENDONYMS.get(c, c) for c in codes)  # noqa: E731
        if result.filled:
            self.message_user(
                request,
                gettext("Machine translated, to be reviewed by a person: %(languages)s.")
                % {"languages": names(result.filled)},
            )
        if result.failed:
            self.message_user(
                request,
                gettext(
                    "The translation service did not answer for %(languages)s. Your text is "
                    "saved and nothing was lost: try again later, or write these versions yourself."
                )
                % {"languages": names(result.failed)},
                messages.ERROR,
            )
        if not result.filled and not result.failed:
            self.message_user(request, gettext("Every language already has a version."))

    # What staff read -------------------------------------------------------------------

    @admin.display(description=_("text message per language"))
    def sms_preview(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Save first: then each language's text message is shown here.")
        versions = {v.language: v for v in obj.versions.all()}
        rows = []
        for code in services.wanted_languages(obj) or [obj.default_language]:
            version = versions.get(code) or versions.get(obj.default_language)
            with translation.override(code):
                text = notices.sms_text(obj, code)
            if code in versions:
                state = (
                    gettext("machine translated — needs review")
                    if versions[code].needs_review
                    else gettext("written or approved by a person")
                )
            elif version is not None:
                state = gettext("no version: gets %(language)s") % {
                    "language": ENDONYMS.get(version.language, version.language)
                }
            else:
                state = gettext("no version yet")
            rows.append(
                (
                    ENDONYMS.get(code, code),
                    state,
                    code,
                    "rtl" if is_rtl(code) else "ltr",
                    text or "—",
                    sms_count(text) if text else "",
                )
            )
        return format_html(
            '<table class="sms-preview">{}</table>',
            format_html_join(
                "",
                '<tr><th scope="row">{}</th><td><p class="segment-count">{}</p>'
                '<pre class="message-preview" lang="{}" dir="{}">{}</pre>'
                '<p class="segment-count">{}</p></td></tr>',
                rows,
            ),
        )

    @admin.display(description=_("delivery"))
    def delivery(self, obj):
        if obj is None or obj.pk is None or obj.status != Announcement.Status.SENT:
            return gettext("Not sent yet.")
        rows = services.delivery(obj)
        if not rows:
            return gettext("No family could be reached.")
        channels = dict(Message.Channel.choices)
        return format_html(
            '<table class="announcement-delivery"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            gettext("Language"),
            gettext("Channel"),
            gettext("Sent"),
            gettext("Failed"),
            gettext("Waiting"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        ENDONYMS.get(r["language"], r["language"]),
                        channels.get(r["channel"], r["channel"]),
                        r["sent"],
                        r["failed"],
                        r["waiting"],
                    )
                    for r in rows
                ),
            ),
        )


def _changed(formset, instance) -> list[str]:
    for form in formset.forms:
        if form.instance is instance:
            return form.changed_data
    return []
