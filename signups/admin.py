from signups.volunteering import admin as volunteering_admin  # noqa: F401
