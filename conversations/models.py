from conversations.announcements.models import Announcement, Version  # noqa: F401
