from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self):
        from conversations import inbound, notices, personal_data

        # The notice a school's answer sends (conversations/notices.py).
        notices.register()
        # Conversations and interpreter calls in a family's download and erasure.
        personal_data.register()
        # A named message from a school's "Write to the school" page joins the conversation.
        from conversations import services
        from families import services as family_services

        if services.write_from_family not in family_services.message_writers:
            family_services.message_writers.append(services.write_from_family)
        # Last, on purpose: a "reply 1/2" handler registered before this one answers an
        # event first; a free text from exactly one family's number then joins its thread.
        inbound.register()
