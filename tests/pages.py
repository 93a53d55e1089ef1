"""Comparing whole pages in tests."""

import re

CSRF_TOKEN_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')
# The language switcher's way back: the address the visitor asked for.
LANGUAGE_SWITCH_RETURN = re.compile(r'(name="next" value=")[^"]*"')


def without_request_specifics(page: str) -> str:
    """The page without what depends on the request rather than on the data.

    A CSRF token carries a timestamp in whole seconds, so two pages served a
    second apart differ there; the language switcher returns to the address
    that was asked for. Pages that must answer alike are compared without them.
    """
    return LANGUAGE_SWITCH_RETURN.sub(r'\1"', CSRF_TOKEN_VALUE.sub(r'\1"', page))
