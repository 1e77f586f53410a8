from django.utils.functional import SimpleLazyObject

from accounts import selectors


def roles(request):
    """``is_manager`` for navigation, computed only when a template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_manager": False, "is_programme_admin": False}
    return {
        "is_manager": SimpleLazyObject(
            lambda: user.is_admin or selectors.user_is_manager(user=user)
        ),
        "is_programme_admin": user.is_admin,
        "unread_notifications": SimpleLazyObject(lambda: user.notifications.unread().count()),
    }
