"""Data tables that reflow: ``{% data_table %}``, the one way a page shows a table.

WCAG 2.2's reflow criterion (1.4.10) allows horizontal scrolling at 320 CSS pixels only for
content that needs two dimensions, such as a data table, and then only inside the table's own
region. So every table sits in a region of its own that scrolls when the table is wider than
the screen, can be reached with the keyboard (a region that scrolls must take focus, or keyboard
users cannot scroll it) and is named by the table's caption. Usage, after ``{% load tables %}``::

    {% data_table %}
      {% caption "s" %}{{ count }} referral{{ count|pluralize }}{% endcaption %}
      <thead class="govuk-table__head">...</thead>
      <tbody class="govuk-table__body">...</tbody>
    {% enddata_table %}

The caption is required: without it the template does not compile. Its one optional argument
is its look: ``"s"``, ``"m"``, ``"l"`` (GOV.UK's caption sizes) or ``"hidden"`` (read by screen
readers only, where a heading just above already says what the table is). The caption's id, which
names the region, is ``table-`` and the caption's words as a slug, so two tables on one page need
two captions (axe's ``duplicate-id-aria`` rule, run on every page of the browser journeys, fails
a page where they do not)."""

from django import template
from django.template.base import Node, NodeList, Parser, TextNode, Token
from django.template.context import Context
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify

register = template.Library()

# The caption's look, by its argument: the GOV.UK Frontend class it adds.
CAPTION_CLASSES = {
    "": "",
    "s": " govuk-table__caption--s",
    "m": " govuk-table__caption--m",
    "l": " govuk-table__caption--l",
    "hidden": " govuk-visually-hidden",
}


class DataTableNode(Node):
    """A table in its scrolling region, named by its caption."""

    def __init__(self, caption: NodeList, look: str, rows: NodeList) -> None:
        self.caption = caption
        self.look = look
        self.rows = rows

    def render(self, context: Context) -> str:
        # The caption as its template rendered it, escaped once: strip() would lose the mark
        # that it is, and format_html would escape it again ("SBNI&amp;#x27;s").
        caption = mark_safe(self.caption.render(context).strip())  # noqa: S308
        label = f"table-{slugify(caption, allow_unicode=True) or 'caption'}"
        return format_html(
            '<div class="portal-table-region" role="region" aria-labelledby="{label}" tabindex="0">'
            '<table class="govuk-table">'
            '<caption class="govuk-table__caption{look}" id="{label}">{caption}</caption>'
            "{rows}</table></div>",
            label=label,
            look=CAPTION_CLASSES[self.look],
            caption=caption,
            rows=self.rows.render(context),
        )


@register.tag
def data_table(parser: Parser, token: Token) -> DataTableNode:
    """``{% data_table %}{% caption [look] %}...{% endcaption %} rows {% enddata_table %}``.

    Raises ``TemplateSyntaxError`` at compile time when the caption is missing, when anything but
    white space comes before it, or when its look is not one of ``CAPTION_CLASSES``."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% data_table %} takes no arguments.")
    before = parser.parse(("caption", "enddata_table"))
    opening = parser.next_token()
    if opening.contents == "enddata_table" or not all(
        isinstance(node, TextNode) and not node.s.strip() for node in before
    ):
        raise template.TemplateSyntaxError(
            "{% data_table %} must start with {% caption %}...{% endcaption %}: a table's "
            "caption names the region it scrolls in."
        )
    bits = opening.split_contents()
    look = bits[1].strip("\"'") if len(bits) == 2 else ""
    if len(bits) > 2 or look not in CAPTION_CLASSES:
        raise template.TemplateSyntaxError(
            f"{{% caption %}} takes one of {sorted(CAPTION_CLASSES)[1:]} or nothing, "
            f"not {' '.join(bits[1:])}."
        )
    caption = parser.parse(("endcaption",))
    parser.delete_first_token()
    rows = parser.parse(("enddata_table",))
    parser.delete_first_token()
    return DataTableNode(caption, look, rows)
