"""Comments are Markdown, shown as sanitised HTML: python-markdown renders, nh3 (Ammonia)
keeps only harmless tags and attributes, whatever the author typed."""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}}
MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")


def mentioned_usernames(body: str) -> list[str]:
    """The @usernames in a comment, in order, each once."""
    return list(dict.fromkeys(MENTION.findall(body)))


def render(body: str, mentions: set[str] = frozenset()) -> SafeString:
    """Markdown → sanitised HTML; @mentions of real recipients are highlighted."""
    html = markdown.markdown(body, extensions=["sane_lists"], output_format="html")

    def highlight(match: re.Match) -> str:
        name = match.group(1)
        return f'<span class="mention">@{name}</span>' if name in mentions else match.group(0)

    html = MENTION.sub(highlight, html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
