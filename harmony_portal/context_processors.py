"""Template context shared by every page: which roles the signed-in user holds."""

from initiatives.roles import Role, roles_of


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset(), "user_role_labels": []}
    names = roles_of(user)
    # The roles' names as people read them, in the page's language (the badges in the header).
    labels = [str(role.label) for role in Role if role.value in names]
    return {"user_roles": names, "user_role_labels": labels}
