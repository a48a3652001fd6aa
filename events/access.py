from schools.access import districts_for, front_desk_schools, schools_for


def can_manage(user, event) -> bool:
    """Staff who may edit the event (and see it while it is a draft)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if event.school_id:
        return schools_for(user).filter(pk=event.school_id).exists()
    return districts_for(user).filter(pk=event.district_id).exists()


def can_run_door(user, event) -> bool:
    """Front desk and school staff of the event's school; district staff for district events
    only (the door lists families by name: not for district staff at a school's event);
    staff of a partner that co-hosts the event."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Staff of a community partner run the door of the events their organisation co-hosts,
    # and of no other event.
    # A draft is the school's until it is published.
    if (
        event.status != event.Status.DRAFT
        and event.partners.filter(
            staff_roles__user=user, staff_roles__kind="partner_staff"
        ).exists()
    ):
        return True
    if event.school_id:
        return front_desk_schools(user).filter(pk=event.school_id).exists()
    return can_manage(user, event)
