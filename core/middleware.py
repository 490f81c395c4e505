from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class KoreanFirstLocaleMiddleware(LocaleMiddleware):
    """Korean unless the visitor chose English with the language switch (cookie).

    The browser's Accept-Language is not consulted: Nuri is a Korean service, and a
    Korean page should not turn English because a browser is set up in English.
    """

    def process_request(self, request):
        supported = {code for code, _ in settings.LANGUAGES}
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang not in supported:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = translation.get_language()
