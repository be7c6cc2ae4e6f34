from . import audit


class ActorMiddleware:
    """Make the signed-in user the actor of every write made while serving the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = audit.set_actor(user if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            audit.reset_actor(token)


class UserLanguageMiddleware:
    """Speak the language the signed-in user chose (Wagtail's account setting) on every
    page, including messages made before Wagtail's own views switch language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "wagtail_userprofile", None)
            language = getattr(profile, "preferred_language", "") if profile else ""
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
