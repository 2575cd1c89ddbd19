"""A count with the words it governs, in the number they need: "1 clear day", "6 clear days".

One helper for Python and templates alike, so that no page says "6 clear day were given".
Templates use it as the builtin filter ``counted`` (registered in ``settings.TEMPLATES``):
``{{ days|counted:"working day" }}``, or with the plural spelled out after a semicolon when
adding "s" would be wrong: ``{{ days|counted:"clear day was;clear days were" }}``.
Django's ``pluralize`` and hand-made plurals are not used (tests/test_words.py finds them).
"""

from django import template

register = template.Library()


def plural_of(words: str) -> str:
    """The plural of ``words`` by the regular rule applied to its last word: "entry" ->
    "entries", "clear day" -> "clear days", "box" -> "boxes". For anything else (a verb that
    agrees, an irregular noun), give the plural to :func:`counted` yourself."""
    head, _, last = words.rpartition(" ")
    if last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        last = f"{last[:-1]}ies"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        last = f"{last}es"
    else:
        last = f"{last}s"
    return f"{head} {last}" if head else last


def counted(count: int, singular: str, plural: str = "") -> str:
    """``count`` (an integer; thousands separated by commas) followed by ``singular`` when it is
    exactly 1 and by ``plural`` (by default :func:`plural_of` ``singular``) otherwise, zero
    included, as English has it: "0 entries", "1 entry", "1,250 entries"."""
    words = singular if count == 1 else plural or plural_of(singular)
    return f"{count:,} {words}"


@register.filter(name="counted")
def counted_filter(count: int | None, words: str) -> str:
    """The template filter: ``words`` is "singular" or "singular;plural". A missing count
    (``None``) renders as nothing, so that a page never shows "None days"."""
    if count is None:
        return ""
    singular, _, plural = words.partition(";")
    return counted(int(count), singular, plural)
