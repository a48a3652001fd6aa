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
        # Last, on purpose: a "reply 1/2" handler registered before this one answers an
        # event first; a free text from exactly one family's number then joins its thread.
        inbound.register()
