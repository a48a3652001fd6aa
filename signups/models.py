from signups.volunteering.models import *  # noqa: F403
