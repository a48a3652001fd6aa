from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self):
        from conversations import (
            announcements,
            email_replies,
            inbound,
            notices,
            personal_data,
            replies,
            services,
        )
        from families import services as family_services
        from messaging import registry

        # First: a "1"/"2" answers the last event text (conversations/replies.py); what it
        # leaves goes on to the handlers registered after it.
        registry.register_inbound(replies.handle)
        registry.register_keypress(replies.handle_keypress)
        announcements.register()  # announcements' kinds and task (conversations/announcements)
        # The notice a school's answer sends (conversations/notices.py).
        notices.register()
        # Conversations and interpreter calls in a family's download and erasure.
        personal_data.register()
        # A named message from a school's "Write to the school" page joins the conversation.
        if services.write_from_family not in family_services.message_writers:
            family_services.message_writers.append(services.write_from_family)
        # A reply to one of the school's emails joins the family's thread with that school.
        email_replies.register()
        # Last, on purpose: the "reply 1/2" handler above answers an event first; a free
        # text from exactly one family's number then joins its thread.
        inbound.register()
