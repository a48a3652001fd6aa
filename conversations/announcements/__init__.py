"""Announcements from a school or a district to its families (issue 15, part 3)."""


def register() -> None:
    """Called from ConversationsConfig.ready(): the kinds announcements send, and the task
    that sends scheduled ones (celery finds only conversations.tasks by itself)."""
    from conversations.announcements import notices, tasks  # noqa: F401

    notices.register()
