"""Text from scenario files, made safe for a terminal and for spreadsheets opening a CSV."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from sim.errors import ScenarioError

#: Invisible characters that reorder or hide text on a terminal (bidirectional overrides).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: First characters a spreadsheet reads as the start of a formula (OWASP, CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def printable(text: object) -> str:
    """The text on one line with control characters escaped, so a name cannot move the cursor,
    colour the terminal or start a line of its own (an `error:` line, say)."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(_escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    if ch.isprintable() or (unicodedata.category(ch) == "Cf" and ch not in _BIDI):
        return ch  # joiners and the like belong to the letters around them
    return repr(ch)[1:-1]  # \n, \x1b, \x00, \u202e, ...


@contextmanager
def literal_figure_text() -> Iterator[None]:
    """Figures made inside show names as written: a `$` in a name is not TeX for matplotlib
    to parse (a bad formula would stop the command after all the work)."""
    import matplotlib

    with matplotlib.rc_context({"text.parse_math": False}):
        yield


def printable_lines(text: str) -> str:
    """Each line of a text made printable, for text whose line breaks are all the program's
    (textwrap has turned those inside names into spaces)."""
    return "\n".join(printable(line) for line in text.split("\n"))


def csv_cell(text: str) -> str:
    """A text cell no spreadsheet runs as a formula: one that starts like a formula, or with
    the quote that marks this, gets a leading `'` (numbers such as -1.5 stay numbers).
    `csv_text` gives the original back."""
    if not text.startswith((*_FORMULA, "'")):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


def csv_text(cell: str) -> str:
    """The text `csv_cell` was given."""
    return cell[1:] if cell.startswith("'") else cell


#: A slug is cut to this many characters (and bytes of UTF-8), with a hash of the whole name.
MAX_CHARS = 80
MAX_BYTES = 160
_KEPT = "-_."


def slug(name: str) -> str:
    """A folder name for a scenario name: letters, digits, `-`, `_` and `.`, every other run of
    characters as one `_`, never starting or ending with `.`, `_` or `-`, at most 80
    characters. Raises ScenarioError if no letter or digit is left."""
    text = unicodedata.normalize("NFC", name)
    parts: list[str] = []
    for ch in text:
        if ch in _KEPT or unicodedata.category(ch)[0] in "LN" or (
                parts and unicodedata.category(ch) in ("Mn", "Mc")):
            parts.append(ch)
        elif not parts or parts[-1] != "\0":
            parts.append("\0")  # one `_` for a run of anything else
    out = "".join(parts).replace("\0", "_").strip(_KEPT)
    if not any(unicodedata.category(ch)[0] in "LN" for ch in out):
        raise ScenarioError(f"name {name[:60]!r}: cannot name a results folder; "
                            "give it at least one letter or digit")
    if len(out) > MAX_CHARS or len(out.encode()) > MAX_BYTES:
        tag = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        cut = out[:MAX_CHARS - len(tag) - 1]
        while len(cut.encode()) > MAX_BYTES - len(tag) - 1:
            cut = cut[:-1]
        out = f"{cut.rstrip(_KEPT)}-{tag}"
    return out


def label(name: str) -> str:
    """A scenario's name in words, as a class reads it ("amnesty_on_day_2" -> "Amnesty on day
    2"); the comparison's tables and figures and the stories use the same words."""
    words = " ".join(name.replace("_", " ").split())
    return words[:1].upper() + words[1:]
