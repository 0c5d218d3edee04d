"""Small template filters the portal's pages share."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template; None when the key is absent."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
