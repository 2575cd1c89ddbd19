"""The publication version's anonymiser and its check, on the text as it will be printed.

Both read text through one normalisation, applied alike to the pseudonym map and to the text:
compatibility forms (NFKC: full-width letters, ligatures, the long s), accents (NFKD, combining
marks dropped), case folding, invisible format characters (Unicode category Cf: soft hyphens,
zero-width spaces and joiners, byte-order marks) removed, every apostrophe read as ``'`` and
every hyphen or dash as ``-``, any run of spacing as one space. Each character of the normalised
text remembers where in the original it came from (an offset map), so a replacement takes out
exactly the original's characters and leaves the surrounding text as it was typed.

In HTML only text nodes (and the few attributes that are printed or become PDF metadata) are
read; inline elements (``<strong>``, ``<a>``...) join their text to their neighbours', so
``Tom<strong>my</strong>`` reads as "Tommy". Block elements and ``<br>`` separate words.

The rule this follows is Unicode TR 36 (confusable text compared after NFKC and case folding),
as Django's ``contrib.auth`` compares user names.
"""

import html as html_lib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

APOSTROPHES = frozenset("'\u2018\u2019\u201b\u02bc\u02b9\u02bb\u0060\u00b4\u2032")
HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63")
# Elements whose text runs on into the next text node: a name may be split across them.
INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
})  # fmt: skip
# Elements whose content is not printed text.
UNPRINTED = frozenset({"style", "script"})
# Attributes that are printed or become the PDF's metadata.
PRINTED_ATTRIBUTES = re.compile(
    r"""(\s(?:alt|title|content|aria-label|placeholder)\s*=\s*")([^"]*)(")""", re.IGNORECASE
)
TOKENS = re.compile(r"<!--.*?-->|<[^>]*>|[^<]+|<", re.DOTALL)
TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")
# How much of the text either side of a found name the check shows.
CONTEXT = 40


@dataclass(frozen=True)
class Normalised:
    """``text`` normalised; ``starts[i]``/``ends[i]``: the span of the original text that its
    character ``i`` came from."""

    text: str
    starts: list[int]
    ends: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's span of the normalised ``text[start:end]`` (``end > start``)."""
        return self.starts[start], self.ends[end - 1]


def _clusters(text: str) -> Iterable[tuple[int, int]]:
    """Spans of a base character with the combining marks that follow it."""
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or not unicodedata.combining(text[index]):
            yield start, index
            start = index


def normalise(text: str) -> Normalised:
    """The text as matching reads it (see the module's docstring), with its offset map."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _clusters(text):
        folded = unicodedata.normalize("NFKD", text[start:end])
        folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
        for char in unicodedata.normalize("NFKC", folded):
            if unicodedata.category(char) == "Cf":
                continue
            if char.isspace():
                if chars and chars[-1] == " ":
                    ends[-1] = end
                    continue
                char = " "
            elif char in APOSTROPHES:
                char = "'"
            elif char in HYPHENS:
                char = "-"
            chars.append(char)
            starts.append(start)
            ends.append(end)
    return Normalised("".join(chars), starts, ends)


def named(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs whose original has a letter or a digit: an original of punctuation alone ("-",
    "'") names nothing, and as a pattern would match between any two characters."""
    return [
        (original, replacement)
        for original, replacement in pairs
        if any(char.isalnum() for char in normalise(original).text)
    ]


def _pattern(original: str) -> str:
    """A normalised original as a regular expression: its apostrophes may be left out, its
    spaces and hyphens may be any one of the two or none ("Mary-Jane", "Mary Jane")."""
    parts = []
    for char in normalise(original.strip()).text:
        if char == "'":
            parts.append("'?")
        elif char in " -":
            parts.append("[ -]?")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


class Anonymiser:
    """Replaces every original of ``pairs`` ((original, replacement)) in a text by its
    replacement: whole words (an underscore of Markdown is not part of a word), read through the
    normalisation, the longest original first (so "Jane Doe" goes before "Jane"). Called with a
    text, answers the text anonymised."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        entries = sorted(
            ((_pattern(original), replacement) for original, replacement in named(pairs)),
            key=lambda entry: -len(entry[0]),
        )
        entries = [(pattern, replacement) for pattern, replacement in entries if pattern]
        self.pattern = re.compile(
            "|".join(
                rf"(?P<p{number}>(?<![^\W_]){pattern}(?![^\W_]))"
                for number, (pattern, _) in enumerate(entries)
            )
            or r"(?!)"
        )
        self.replacements = {f"p{n}": replacement for n, (_, replacement) in enumerate(entries)}

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Where ``text`` holds an original: (start, end, replacement), in order, apart."""
        normalised = normalise(text)
        return [
            (*normalised.span(*match.span()), self.replacements[str(match.lastgroup)])
            for match in self.pattern.finditer(normalised.text)
        ]

    def __call__(self, text: str) -> str:
        pieces, done = [], 0
        for start, end, replacement in self.spans(text):
            pieces += [text[done:start], replacement]
            done = end
        return "".join([*pieces, text[done:]])


def _text_nodes(html: str) -> tuple[list[str], list[int | None], str]:
    """The tokens of ``html``; for each, where its unescaped text starts in the joined text of
    the document (``None`` for a tag or an unprinted text); and that joined text."""
    tokens = TOKENS.findall(html)
    offsets: list[int | None] = []
    joined: list[str] = []
    length, hidden = 0, False
    for token in tokens:
        if token.startswith("<") and len(token) > 1:
            offsets.append(None)
            name = TAG_NAME.match(token)
            tag = name[1].lower() if name else ""
            if tag in UNPRINTED:
                hidden = not token.startswith("</")
            if tag not in INLINE:
                joined.append("\n")
                length += 1
            continue
        if hidden:
            offsets.append(None)
            continue
        text = html_lib.unescape(token)
        offsets.append(length)
        joined.append(text)
        length += len(text)
    return tokens, offsets, "".join(joined)


def printed_text(html: str) -> str:
    """The text a document prints: its text nodes joined, each block on a line of its own."""
    return _text_nodes(html)[2]


def anonymise_html(html: str, pairs: Iterable[tuple[str, str]]) -> str:
    """``html`` with every original of ``pairs`` replaced in what it prints (text nodes, and the
    printed attributes), even where a name runs across inline elements: the replacement goes
    where the name starts, and the rest of the name is taken out of the elements it ran into."""
    clean = Anonymiser(pairs)
    tokens, offsets, joined = _text_nodes(html)
    spans = clean.spans(joined)
    out: list[str] = []
    next_span = 0
    for token, offset in zip(tokens, offsets, strict=True):
        if offset is None:
            out.append(
                PRINTED_ATTRIBUTES.sub(
                    lambda m: m[1] + html_lib.escape(clean(html_lib.unescape(m[2]))) + m[3], token
                )
                if token.startswith("<")
                else token
            )
            continue
        end = offset + len(html_lib.unescape(token))
        while next_span < len(spans) and spans[next_span][1] <= offset:
            next_span += 1
        touched = []
        for span in spans[next_span:]:
            if span[0] >= end:
                break
            touched.append(span)
        if not touched:
            out.append(token)
            continue
        pieces, done = [], offset
        for start, stop, replacement in touched:
            if start >= offset:
                pieces += [joined[done:start], replacement]
            done = min(stop, end)
        pieces.append(joined[done:end])
        out.append(html_lib.escape("".join(pieces), quote=False))
    return "".join(out)


@dataclass(frozen=True)
class Place:
    """Where an original name, or something close to it, is still in a text: ``found`` is the
    text as printed, ``word`` the whole word or words it is in, ``before`` and ``after`` some of
    its surroundings, ``where`` a page or a metadata field when known."""

    original: str
    found: str
    word: str
    before: str
    after: str
    where: str = ""


def _squeeze(text: str) -> str:
    """Any run of spacing as one space, the ends kept."""
    return re.sub(r"\s+", " ", text)


def places(text: str, pairs: Iterable[tuple[str, str]], *, where: str = "") -> list[Place]:
    """Every place in ``text`` where an original of ``pairs`` is still there, read through the
    normalisation (any case or accents) with spacing and punctuation between its letters left
    out: inside one word, however long (an email address, a tag, "Samantha" for "Sam"), or as
    whole words ("T o m m y", "Tom-" at the end of a line and "my" on the next).

    A place is resolved, and not listed, when it lies inside a longer original that the map
    keeps as itself ("Samantha" kept as "Samantha", so that "Sam" inside it is not listed)."""
    pairs = named(pairs)
    normalised = normalise(text)
    letters = [i for i, char in enumerate(normalised.text) if char.isalnum()]
    skeleton = "".join(normalised.text[i] for i in letters)

    def spans(word: str) -> Iterable[tuple[int, int]]:
        at = skeleton.find(word)
        while at != -1:
            yield letters[at], letters[at + len(word) - 1] + 1
            at = skeleton.find(word, at + 1)

    def letters_of(original: str) -> str:
        return "".join(char for char in normalise(original).text if char.isalnum())

    kept = [
        span
        for original, replacement in pairs
        if letters_of(original) == letters_of(replacement)
        for span in spans(letters_of(original))
    ]
    found: list[Place] = []
    for original, replacement in pairs:
        word = letters_of(original)
        if not word or word == letters_of(replacement):
            continue
        for start, end in spans(word):
            if not (
                " " not in normalised.text[start:end] or _whole_words(normalised.text, start, end)
            ) or any(
                outer[0] <= start and end <= outer[1] and outer != (start, end) for outer in kept
            ):
                continue
            begin, stop = normalised.span(start, end)
            word_begin, word_stop = begin, stop
            while word_begin > 0 and not text[word_begin - 1].isspace():
                word_begin -= 1
            while word_stop < len(text) and not text[word_stop].isspace():
                word_stop += 1
            found.append(
                Place(
                    original=original,
                    found=text[begin:stop],
                    word=text[word_begin:word_stop],
                    before=_squeeze(text[max(0, begin - CONTEXT) : begin]),
                    after=_squeeze(text[stop : stop + CONTEXT]),
                    where=where,
                )
            )
    return found


def _whole_words(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` starts at the first letter of a word and ends at the last
    letter of one (words being what lies between spaces)."""
    word_start = text.rfind(" ", 0, start) + 1
    word_end = text.find(" ", end)
    return not any(char.isalnum() for char in text[word_start:start]) and not any(
        char.isalnum() for char in text[end : word_end if word_end != -1 else len(text)]
    )
