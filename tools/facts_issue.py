#!/usr/bin/env python3
"""The weekly facts check's decision: close the 'facts-check' issue, or write its text.

The decision is made from what the commands measured, never from text the content can write:
`booklet verify --json` (its exit status, its counts, the printed addresses broken or left
unchecked, whether the network answered) and `booklet check --json` (its exit status, its
counts of errors and warnings). A review note that reads "Nothing needs attention" is text in
the list, not a decision: it once closed the issue while 26 services needed attention.

The issue's text is a summary of those counts, then the list `booklet review-sheet --markdown`
wrote (its content's words escaped there), cut to what GitHub takes.

    python3 tools/facts_issue.py --verify V.json --verify-status N --check C.json --check-status M \
        --attention attention.md --run-url URL --out issue.md

Prints 'close' when nothing needs attention, else 'open' (and writes --out). Standard library
only: the workflow runs it with the machine's python3.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

LIMIT = 60000
"""Characters of the issue's text at most (GitHub refuses a body over 65536)."""
FINE = {"ok", "redirect"}
"""Statuses of an address that need nobody's attention."""


def _json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def decide(verify: dict[str, Any] | None, verify_status: int, check: dict[str, Any] | None,
           check_status: int) -> list[str]:
    """What needs attention, one line each, from the counts; empty when nothing does (and only
    when both commands ran, exited 0 and wrote their counts)."""
    reasons: list[str] = []
    if verify is None:
        reasons.append("booklet verify wrote no results (see its step in the run)")
    else:
        counts = verify.get("counts") if isinstance(verify.get("counts"), dict) else None
        if counts is None:
            reasons.append("booklet verify's results have no counts")
        else:
            others = {k: _int(v) for k, v in sorted(counts.items()) if k not in FINE and _int(v) != 0}
            if others:
                reasons.append("addresses: " + ", ".join(f"{n} {status}" for status, n in others.items()))
        if verify.get("no_network") is not False:
            reasons.append("booklet verify had no network: nothing is known of the addresses")
        for key, words in (("broken_printed", "printed addresses broken"), ("unchecked_printed", "printed addresses not checked")):
            if _int(verify.get(key)) != 0:
                reasons.append(f"{words}: {verify.get(key)}")
    if verify_status != 0:
        reasons.append(f"booklet verify exited {verify_status}")
    if check is None:
        reasons.append("booklet check wrote no counts (see its step in the run)")
    else:
        errors, warnings = _int(check.get("errors")), _int(check.get("warnings"))
        if errors != 0 or warnings != 0:
            found = check.get("warnings_by_kind")
            kinds: dict[str, Any] = found if isinstance(found, dict) else {}
            detail = ", ".join(f"{_int(n)} {kind}" for kind, n in sorted(kinds.items()))
            reasons.append(f"content: {errors} errors, {warnings} warnings" + (f" ({detail})" if detail else ""))
    if check_status != 0:
        reasons.append(f"booklet check exited {check_status}")
    return reasons


def body(reasons: list[str], attention: str, run_url: str) -> str:
    head = (f"Written by the weekly check ({run_url}), which replaces this text on each run; "
            "the call sheet to print (PDF) is attached to the run.\n\n"
            "What the checks counted:\n" + "".join(f"- {r}\n" for r in reasons) + "\n")
    text = attention
    room = LIMIT - len(head)
    if len(text) > room:
        cut = text.rfind("\n### ", 0, room)
        text = text[: cut if cut > 0 else room] + "\n\n(The list goes on: see the call sheet attached to the run.)\n"
    return head + text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--verify", type=Path, required=True)
    parser.add_argument("--verify-status", type=int, required=True)
    parser.add_argument("--check", type=Path, required=True)
    parser.add_argument("--check-status", type=int, required=True)
    parser.add_argument("--attention", type=Path, required=True)
    parser.add_argument("--run-url", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    reasons = decide(_json(args.verify), args.verify_status, _json(args.check), args.check_status)
    if not reasons:
        print("close")
        return 0
    try:
        attention = args.attention.read_text("utf-8")
    except OSError:
        attention = "(booklet review-sheet wrote no list: see its step in the run.)\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(body(reasons, attention, args.run_url), "utf-8")
    print("open")
    return 0


if __name__ == "__main__":
    sys.exit(main())
