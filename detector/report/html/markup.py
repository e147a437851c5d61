"""The one place where text becomes HTML: escaping and a tiny element builder.

Everything the report shows that came from the data (post text, handles,
display names, URLs, hashtags, object ids, reasons) was written by the people
under investigation. It reaches the page only through :func:`esc`, which
applies :func:`html.escape` with ``quote=True``. Markup is assembled with
:func:`el`, which escapes every attribute value and every child that is not
already :class:`Markup`, refuses event-handler attributes (``on*``), inline
``style`` and any ``href``/``src`` that is not an in-page ``#fragment``: the
report never turns data into a link.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

__all__ = ["Markup", "esc", "el", "join", "svg_el"]


class Markup(str):
    """A string of HTML that is already safe to emit (built by :func:`el` / :func:`esc`)."""

    __slots__ = ()


_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9:-]*$")
_FRAGMENT = re.compile(r"^#[A-Za-z][A-Za-z0-9_-]*$")
_LINK_ATTRS = frozenset({"href", "src", "xlink:href", "action", "formaction", "srcset", "poster"})
_VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "col", "wbr"})


def esc(value: object) -> Markup:
    """Escape ``value`` for HTML text or a quoted attribute value.

    ``Markup`` passes through unchanged; ``None`` becomes the empty string;
    anything else is converted with ``str``, stripped of control characters
    and lone surrogates (replaced by U+FFFD, so the file always encodes as
    UTF-8) and escaped with ``html.escape(quote=True)``.
    """
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    text = _UNSAFE_CHARS.sub("\ufffd", str(value))
    return Markup(html.escape(text, quote=True))


def _flatten(children: Iterable[object]) -> Iterable[object]:
    for child in children:
        if isinstance(child, str) or child is None:
            yield child
        elif isinstance(child, Iterable):
            yield from _flatten(child)
        else:
            yield child


def join(children: Iterable[object]) -> Markup:
    """Concatenate children, escaping every one that is not already :class:`Markup`."""
    return Markup("".join(esc(c) for c in _flatten(children)))


def _attr(name: str, value: object) -> str:
    if not _NAME.match(name):
        raise ValueError(f"invalid attribute name {name!r}")
    lowered = name.lower()
    if lowered.startswith("on") or lowered == "style":
        raise ValueError(f"attribute {name!r} is not allowed in the report")
    if lowered in _LINK_ATTRS and not (_FRAGMENT.match(str(value)) or (lowered == "href" and _post_link_ok(value))):
        raise ValueError(f"{name} may only point inside the page, got {value!r}")
    if value is True:
        return f" {name}"
    return f' {name}="{esc(value)}"'


def _post_link_ok(value: object) -> bool:
    """A link to an original post built by :func:`detector.report.links.post_url` (``--link-posts``)."""
    from detector.report.links import LINK_PATTERN

    return isinstance(value, str) and bool(LINK_PATTERN.match(value))


def _start(tag: str, attrs: Mapping[str, object] | None) -> str:
    """Opening tag without its closing ``>``: ``<tag a="1"``."""
    if not _NAME.match(tag):
        raise ValueError(f"invalid tag {tag!r}")
    attr_text = "".join(
        _attr(k, v) for k, v in (attrs or {}).items() if v is not None and v is not False
    )
    return f"<{tag}{attr_text}"


def el(tag: str, attrs: Mapping[str, object] | None = None, *children: object) -> Markup:
    """Build one element: ``el("td", {"class": "num"}, value)``.

    Attribute values and children are escaped (unless ``Markup``); attributes
    whose value is ``None`` or ``False`` are left out, ``True`` gives a bare
    attribute. Attribute order is the mapping's order, so output is stable.
    """
    start = _start(tag, attrs)
    if tag in _VOID:
        if children:
            raise ValueError(f"<{tag}> cannot have children")
        return Markup(f"{start}>")
    return Markup(f"{start}>{join(children)}</{tag}>")


def svg_el(tag: str, attrs: Mapping[str, object] | None = None, *children: object) -> Markup:
    """Like :func:`el` but self-closes childless SVG elements (``<circle .../>``)."""
    if children:
        return el(tag, attrs, *children)
    return Markup(f"{_start(tag, attrs)}/>")
