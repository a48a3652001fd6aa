def register() -> None:
    """Called from SignupsConfig.ready(): the kinds of message volunteering sends, and what
    it keeps about a family for the download and erasure."""
    from signups.volunteering import notices, personal_data

    notices.register()
    personal_data.register()
