from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self):
        from conversations import announcements, replies
        from messaging import registry

        # First: a "1"/"2" answers the last event text (conversations/replies.py); what it
        # leaves goes on to the handlers registered after it.
        registry.register_inbound(replies.handle)
        registry.register_keypress(replies.handle_keypress)
        announcements.register()  # announcements' kinds and task (conversations/announcements)
