from django.utils.functional import SimpleLazyObject

from accounts import selectors


def request_user_is_manager(request) -> bool:
    """Whether the signed-in person manages a team (admins count); read once per request."""
    return selectors.access_for(user=request.user).may_curate


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
