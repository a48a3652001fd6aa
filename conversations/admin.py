"""The staff's inbox: their school's conversations, unread first (ScopedAdmin: another
school's conversation is a 404), each opened as the family wrote it with a machine
translation into the staff member's language, and answered in that language. Every opening
is audited (accounts.AuditEvent, ids only)."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent
from conversations import services
from conversations.announcements import admin as announcements_admin  # noqa: F401
from conversations.forms import TEXT_ERRORS
from conversations.models import MAX_LENGTH, CallbackRequest, Thread
from schools.access import ScopedAdmin


class UnreadFilter(admin.SimpleListFilter):
    """ "Not read yet" is the list the admin's front page links to (portal.front_door)."""

    title = _("read")
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("yes", _("Not read yet")), ("no", _("Read"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(unread_by_staff__gt=0)
        if self.value() == "no":
            return queryset.filter(unread_by_staff=0)
        return queryset


class AnswerForm(forms.ModelForm):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto", "cols": 60}),
        help_text=_(
            "Write in your own language: the family reads it in theirs, translated by machine "
            "when translation is on."
        ),
        error_messages=TEXT_ERRORS,
    )

    class Meta:
        model = Thread
        fields = []


@admin.register(Thread)
class ThreadAdmin(ScopedAdmin):
    school_path = "school"
    staff_actions = frozenset({"view", "change"})
    district_actions = frozenset()
    form = AnswerForm
    change_form_template = "admin/conversations/thread/change_form.html"
    view_on_site = False  # the family's own page, which staff cannot open
    list_display = ["family", "family_language", "school", "last_message_at", "unread_by_staff"]
    list_display_links = ["family"]
    list_filter = [UnreadFilter]
    list_select_related = ["family", "school"]
    search_fields = ["family__display_name"]
    fields = ["family", "family_language", "school", "answer"]
    readonly_fields = ["family", "family_language", "school"]
    # Unread first (the most waiting messages first), then the newest.
    ordering = ["-unread_by_staff", "-last_message_at"]

    @admin.display(description=_("family's language"))
    def family_language(self, obj):
        return obj.family.get_language_display()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        thread = None
        if str(object_id).isdecimal():
            thread = self.get_queryset(request).select_related("family", "school")
            thread = thread.filter(pk=object_id).first()
        extra_context = dict(extra_context or {})
        if thread is not None:
            language = translation.get_language()
            shown = thread.messages.select_related("author").order_by("-created_at", "-pk")
            extra_context["thread_messages"] = services.read_in(
                reversed(list(shown[:200])), language
            )
            extra_context["callbacks"] = thread.callback_requests.filter(
                status=CallbackRequest.Status.OPEN
            )
            extra_context["machine"] = services.backend_name() != "none"
        response = super().change_view(request, object_id, form_url, extra_context)
        if thread is not None:
            AuditEvent.record(request.user, "view", thread, allowed=response.status_code < 400)
            if request.method == "GET" and response.status_code == 200:
                services.mark_read_by_staff(thread)
        return response

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        if str(object_id).isdecimal() and Thread.objects.filter(pk=object_id).exists():
            AuditEvent.record(request.user, "view", Thread(pk=object_id), allowed=False)
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)

    def save_model(self, request, obj, form, change):
        text = (form.cleaned_data.get("answer") or "").strip()
        if not text:
            return
        services.answer(obj, text=text, by=request.user, language=translation.get_language())
        self.message_user(request, _("Your answer was sent to the family."), messages.SUCCESS)

    def response_change(self, request, obj):
        # Back to the conversation, to read the answer where it now stands.
        from django.http import HttpResponseRedirect

        return HttpResponseRedirect(request.path)


class OpenFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return CallbackRequest.Status.choices

    def queryset(self, request, queryset):
        if self.value() in CallbackRequest.Status.values:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(CallbackRequest)
class CallbackRequestAdmin(ScopedAdmin):
    """The calls families asked for, with an interpreter in their language: open first."""

    school_path = "school"
    staff_actions = frozenset({"view", "change"})
    district_actions = frozenset()
    list_display = ["created_at", "family", "language", "school", "status", "waited"]
    list_filter = [OpenFilter, "language"]
    list_select_related = ["family", "school"]
    fields = ["family", "language", "school", "thread", "note", "created_at", "status", "done_at"]
    readonly_fields = ["family", "language", "school", "thread", "note", "created_at", "done_at"]
    actions = ["mark_done"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-status", "created_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("time to answer"))
    def waited(self, obj):
        from django.utils.timesince import timesince

        end = obj.done_at or timezone.now()
        return timesince(obj.created_at, end)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if str(object_id).isdecimal():
            AuditEvent.record(
                request.user,
                "view",
                object_id,
                allowed=response.status_code < 400,
                object_type="callbackrequest",
            )
        return response

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.status == CallbackRequest.Status.DONE:
            obj.done_at = timezone.now()
            obj.done_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Mark as called"))
    def mark_done(self, request, queryset):
        for row in queryset.filter(status=CallbackRequest.Status.OPEN):
            services.close_callback(row, by=request.user)
