from django.utils.functional import SimpleLazyObject

from accounts import selectors

# Attribute on the request holding the answer, so that every template rendered for one
# request (the page, its partials, inclusion tags) shares a single query.
IS_MANAGER_ATTR = "_ambassador_is_manager"


def request_user_is_manager(request) -> bool:
    """Whether the signed-in person manages a team (admins count), at most one query per request."""
    cached = getattr(request, IS_MANAGER_ATTR, None)
    if cached is None:
        user = request.user
        cached = bool(user.is_admin or selectors.user_is_manager(user=user))
        setattr(request, IS_MANAGER_ATTR, cached)
    return cached


def roles(request):
    """``is_manager`` for navigation, computed only when a template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_manager": False, "is_programme_admin": False}
    return {
        "is_manager": SimpleLazyObject(lambda: request_user_is_manager(request)),
        "is_programme_admin": user.is_admin,
        "unread_notifications": SimpleLazyObject(lambda: user.notifications.unread().count()),
    }
