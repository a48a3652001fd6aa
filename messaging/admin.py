from django.contrib import admin

from messaging.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, for administrators: status, attempts and failures of every message."""

    list_display = [
        "kind",
        "recipient",
        "channel",
        "language",
        "due_at",
        "status",
        "attempts",
        "last_error",
    ]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["idempotency_key", "recipient"]
    readonly_fields = [f.name for f in Message._meta.fields]
