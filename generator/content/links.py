"""Links and web addresses written in the content's text go only where its structured fields
say: a tel: link to a number of the same service's phones, a mailto: to one of its emails, a page
of the links: or chats: of a service or centre (the translations are checked against this
English: generator/i18n/checks.py, changed_facts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from generator.base.errors import Problem
from generator.content.catalogue import Catalogue
from generator.content.load import Document
from generator.content.texts import content_fields
from generator.content.values import TEXT_URL, Phone, parse_email, tel_number, text_facts, text_links, visible_text


@dataclass
class _Stated:
    """What the structured fields of one scope state: numbers (by tel: link), emails, pages."""

    phones: dict[str, Phone] = field(default_factory=dict)
    emails: set[str] = field(default_factory=set)

    def add(self, other: _Stated) -> _Stated:
        self.phones.update(other.phones)
        self.emails |= other.emails
        return self


def text_link_problems(cat: Catalogue) -> list[Problem]:
    """Every link written in content text, and every web address it shows, goes only where the
    structured fields say (what the reader's translations carry is checked against this English:
    i18n/checks.py: changed_facts).

    - tel: a number of the ``phones:`` of the same service (or centre), or an emergency number,
      in a service's (centre's) text; any number of the content's phones in a situation's,
      audience's or the booklet's text (a step may send the reader to a service's line). Never a
      number on hold. A link that shows a number dials that number. It is marked like its line.
    - mailto: an address of the ``emails:`` of the same service (centre); of any, elsewhere.
    - https: a page of the ``links:`` or ``chats:`` of any service or centre; a page the content
      cites only as a source is a warning (a reader is sent to evidence, not to help).
    """
    emergency = _Stated({line.number.tel: line.number for line in cat.booklet.emergency})
    own: dict[str, _Stated] = {}
    held: set[str] = set()
    pages: set[str] = set()
    for ident, service in cat.services.items():
        own[f"services/{ident}:"] = _Stated({p.number.tel: p.number for p in service.phones if not (p.hold or service.hold)},
                                           set(e.lower() for e in service.emails))
        held |= {p.number.tel for p in service.phones if p.hold or service.hold}
        pages |= {link.url for link in service.links} | {c.url for c in service.chats if c.url}
    for ident, centre in cat.centres.items():
        for i, contact in enumerate(centre.contacts):
            own[f"centres/{ident}:contacts[{i}]."] = _Stated({p.number.tel: p.number for p in contact.phones if not p.hold},
                                                            set(e.lower() for e in contact.emails))
            held |= {p.number.tel for p in contact.phones if p.hold}
            pages |= {link.url for link in contact.links}
    everything = _Stated().add(emergency)
    for stated in own.values():
        everything.add(stated)
    held -= set(everything.phones)
    sources = _sources(cat) - pages
    problems: list[Problem] = []
    for f in content_fields(cat):
        owner = f.context.partition(":")[0]  # 'services/unia', 'booklet'
        doc = cat.documents.get(("booklet", "booklet") if owner == "booklet" else tuple(owner.split("/", 1)))  # type: ignore[arg-type]
        if doc is None:
            continue
        scope = next((prefix for prefix in own if f.context.startswith(prefix)), None)
        stated = _Stated().add(own[scope]).add(emergency) if scope else everything
        whose = ("this service's" if scope.startswith("services/") else "this contact's") if scope else ""

        def add(message: str, severity: str = "error", loc: tuple = f.loc, doc: Document = doc) -> None:
            problems.append(doc.problem(loc, message, severity=severity))

        for link in text_links(f.text):
            href = link.href
            if href.startswith("tel:"):
                try:
                    number = tel_number(href)
                except ValueError as exc:
                    add(f"links to {href}: {exc}")
                    continue
                if number.tel not in stated.phones:
                    if number.tel in held:
                        add(f"links to {href}, a number on hold; expected a number that is printed")
                    elif scope:
                        known = ", ".join(p.national for p in stated.phones.values())
                        add(f"links to {href}, which is not a number of {whose} phones: nor an emergency number; "
                            f"expected one of: {known}")
                    else:
                        add(f"links to {href}, which is not a number of the content's phones: (of a service, a centre "
                            "or emergency: in content/booklet.yaml); expected a number stated there")
                    continue
                shown = [x for x in text_facts(link.label) if x.kind in ("phone", "number")]
                if any(x.key not in (number.e164, number.e164.lstrip("+")) for x in shown):
                    add(f"shows {link.label} but dials {number.national}; expected the number it shows")
            elif href.startswith("mailto:"):
                try:
                    address = parse_email(unquote(href.removeprefix("mailto:")))
                except ValueError as exc:
                    add(f"links to {href}: {exc}")
                    continue
                if address.lower() not in stated.emails:
                    where = f"{whose} emails:" if scope else "the emails: of any service or centre"
                    add(f"links to {href}, which is not an address of {where}; expected an address stated there")
            else:
                _page_problem(f"links to {href}", href, pages, sources, add)
        for match in TEXT_URL.finditer(visible_text(f.text)):
            url = match.group(0).rstrip(".,;:!?")
            _page_problem(f"gives the address {url}", url, pages, sources, add)
    return problems


def _page_problem(what: str, url: str, pages: set[str], sources: set[str], add: Callable[..., None]) -> None:
    if url in pages:
        return
    if url in sources:
        add(f"{what}, which the content cites only as a source, not as a page for readers; "
            "expected a page of the links: or chats: of a service", "warning")
    else:
        add(f"{what}, which is not in the links: or chats: of any service or centre; expected an address stated there")


def _sources(cat: Catalogue) -> set[str]:
    """Every address the content cites as where a fact comes from."""
    found: set[str] = set()
    for service in cat.services.values():
        found |= set(service.sources) | {p.source for p in service.phones if p.source}
        found |= {link.source for link in service.links if link.source}
    for situation in cat.situations.values():
        found |= set(situation.sources)
    found |= {p.source for p in cat.booklet.emergency if p.source}
    return found
