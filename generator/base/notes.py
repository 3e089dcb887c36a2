"""What a `review:` or `unconfirmed:` note asks for, read from its words.

The notes are free text, written by editors. Two things are read from them, by rules an editor
can follow when writing one (docs/fields.md and the README say so):

- **a question for the phone**: the note asks the organisation something. It says "confirm" or
  "ask", or has a question mark ("Confirm with the centre.", "Ask 1712 for the hours of the phone",
  "Does the line answer in English?"). The call sheet gives these, with room for the answer,
  before the research notes: the notes that say what was found or not found, which a person
  settles at a desk (find a page, identify a name) and not on the phone.
- **an action**: the note asks for a change to the file once the answer is known: a sentence,
  or a part of one after "and", "then", a comma or a semicolon, that starts with one of
  ACTION_VERBS ("... and print them", "Confirm, and add 'languages:'", "then set the name").
  `booklet confirm` keeps such a note until the volunteer says it is done.
"""

from __future__ import annotations

import re

QUESTION = re.compile(r"\b(?:confirm|ask)\b|\?", re.IGNORECASE)
"""A note with one of these asks the organisation something ('confirmed' and 'confirms' report,
they do not ask)."""

ACTION_VERBS = ("add", "change", "correct", "decide", "find", "identify", "list", "print", "put", "remove", "replace",
                "set", "update", "use", "write")
"""Verbs that, at the start of a sentence or of a part of one, ask for the file to be changed."""

ACTION = re.compile(r"(?:^|[.;:!?,(]\s+|\s[-—–]\s+|\b(?:then|and|or|please)\s+)(" + "|".join(ACTION_VERBS) + r")\b",
                    re.IGNORECASE)
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def flat(note: str) -> str:
    """A note on one line, as it reads (YAML's folded lines joined)."""
    return " ".join(str(note).split())


QUOTED = re.compile(r'"[^"]*"|“[^”]*”')
"""Words quoted from a page (its own question marks ask nothing)."""


def asks_the_organisation(note: str) -> bool:
    """True when the note is a question for the phone (see the module's docstring)."""
    return bool(QUESTION.search(QUOTED.sub("", flat(note))))


def action(note: str) -> str:
    """The sentences of the note that ask for a change to the file ('' when none does)."""
    return " ".join(s for s in SENTENCE.split(flat(note)) if ACTION.search(s))


def action_words(note: str) -> str:
    """The words of the note's action from its verb on ('print them'), without the closing stop."""
    text = action(note)
    found = ACTION.search(text)
    return text[found.start(1):].rstrip(".!?;:, ") if found else ""
