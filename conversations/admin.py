from conversations.announcements import admin as announcements_admin  # noqa: F401
