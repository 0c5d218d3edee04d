"""Template context shared by every page: which roles the signed-in user holds."""

from initiatives.roles import roles_of


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    return {"user_roles": roles_of(user)}
