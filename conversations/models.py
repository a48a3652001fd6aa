from conversations.replies_models import UnknownNumberReply  # noqa: F401 (answers by reply)
