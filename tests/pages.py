"""Comparing whole pages in tests."""

import re

CSRF_TOKEN_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')


def without_csrf_token(page: str) -> str:
    """The page with its CSRF tokens blanked.

    A token carries a timestamp in whole seconds, so two pages served a second
    apart differ there and nowhere else; pages that must answer alike are
    compared without it.
    """
    return CSRF_TOKEN_VALUE.sub(r'\1"', page)
