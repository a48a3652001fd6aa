from conversations.announcements.models import Announcement, Version  # noqa: F401
from conversations.replies_models import UnknownNumberReply  # noqa: F401 (answers by reply)
