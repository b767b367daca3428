"""Headlines and datelines: capitals that belong to the page's layout, not to a name.

A headline capitalizes every longer word ("Clinton Hid Past Health Problems From
Public, Doctor Says"), so a capitalized reporting verb in it is a verb and a
capitalized word before a surname is not a first name. A dateline opens an article
or a paragraph with a place ("LONDON (Reuters) - ", "WASHINGTON ― "): the place is
neither a speaker nor an organisation. Each test is written once, here, for every caller.
"""

from __future__ import annotations

import re

__all__ = ["DATELINE", "dateline", "title_case"]

# A word for the headline test: letters first, then letters, digits, apostrophes and
# hyphens ("Won’t", "Peña", "Hewlett-Packard" are one word each).
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
# Spaces inside a dateline: some sources set a no-break space before the dash.
_SP = r"[ \t\xa0]"
# A dateline: "LONDON (Reuters) - ", "RENO, Nev. (AP) — ", "PHILADELPHIA, July 25 (UPI) — ",
# "Washington (AFP) – ", "CHARLESTON, S.C.\xa0— ", "BOSTON —Standing", "WASHINGTON—The".
# The dash needs a space on one side, or to be a long one ("—", "―", "--"): a hyphen
# glued to both words is a compound ("U.S.-led forces").
DATELINE = re.compile(r"(?:[A-Z][A-Z.'’]{2,}(?: [A-Z][A-Z.'’]+)*"     # LONDON, MYRTLE BEACH
                      r"|[A-Z]{2}(?: [A-Z][A-Z.'’]+)+"                # LA CROSSE
                      r"|[A-Z][a-z]+(?: [A-Z][a-z]+)?(?= \())"        # Washington (AFP)
                      r"(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)?(?: \d{1,2})?)*"  # , Nev. / , July 25
                      r"(?: \([A-Za-z. ]+\))?"                        # (Reuters)
                      r"(?:" + _SP + r"*(?:[—―]+|-{2,})|" + _SP + r"+[-–]+|[-–]+(?=" + _SP + r"))"
                      + _SP + r"*")


def title_case(line: str, min_words: int = 4) -> bool:
    """Whether ``line`` is a headline: at least ``min_words`` words longer than three
    letters, and 80% of those capitalized. A sentence needs four such words to count
    ("Obama Says …" is already a name and a verb); a line read around a name may ask
    for three ("Derelict Obama and Clinton")."""
    words = [w for w in _WORD.findall(line) if len(w) > 3]
    return len(words) >= min_words and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def dateline(text: str, pos: int = 0) -> int | None:
    """The end of the dateline that starts at ``pos`` in ``text`` (past the dash and the
    spaces after it), or None when none starts there."""
    m = DATELINE.match(text, pos)
    return m.end() if m is not None else None
