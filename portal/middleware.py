def private_pages_not_cached(get_response):
    """A page shown to a logged-in person may hold their data: no shared or browser cache."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response

    return middleware
