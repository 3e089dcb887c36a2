"""Which services an edition prints, and in which order: the audience's situations, the
services a leaflet, poster or card picks, the one that leads its short pieces."""

from __future__ import annotations

from generator.base.edition import Edition
from generator.base.formats import FORMATS
from generator.content.catalogue import Catalogue
from generator.content.model import Audience, Service, ServiceRef, Situation


def printable(service: Service, region: str | None = None) -> bool:
    """Services on hold (a doubt that makes printing them unsafe) are left out of every booklet;
    a regional edition also leaves out services that serve only other regions."""
    if service.hold is not None:
        return False
    return region is None or "federal" in service.regions or region in service.regions


def lead_ids(audience: Audience, shown: dict[str, Service]) -> list[str]:
    """The services that lead this edition's short pieces, most important first: the audience's
    ``lead:`` (an editor's choice, for need) that this edition prints and a reader can call; the
    first with hours ahead of the rest. Without ``lead:``, the first of ``leaflet:`` (or of the
    audience's services) that has a phone line with hours: list order, which validation warns of."""
    if audience.lead:
        chosen = [c.service for c in audience.lead if c.service in shown and shown[c.service].has_phone_to_call()]
        first = next((i for i in chosen if shown[i].has_phone_with_hours()), None)
        return ([first] if first else []) + [i for i in chosen if i != first]
    if not audience.leaflet:
        return [i for i in shown if shown[i].has_phone_with_hours()][:1]
    listed = [i for i in audience.leaflet if i in shown]
    first = next((i for i in listed if shown[i].has_phone_with_hours()), listed[0] if listed else None)
    return [first] if first else []


def situations(cat: Catalogue, audience: Audience, region: str | None) -> list[tuple[ServiceRef, Situation, list[tuple[str, Service]]]]:
    """The audience's situations that an edition prints, each with its printable services."""
    found = []
    for ref in audience.situations:
        situation = cat.situations[ref.situation]
        ids = ref.services if ref.services is not None else situation.services
        services = [(i, cat.services[i]) for i in ids if printable(cat.services[i], region)]
        if not services and situation.services:
            continue  # every service of this situation serves other regions only (or is on hold)
        found.append((ref, situation, services))
    return found


def picked_ids(cat: Catalogue, audience: Audience, name: str, shown: dict[str, Service], leads: list[str]) -> list[str]:
    """The services a format with a selection (leaflet, poster, card) shows, in order: those the
    audience lists for it ('leaflet: [...]'), else its default (formats.py), the lead first."""
    fmt = FORMATS[name]
    assert fmt.selection is not None
    chosen = getattr(audience, fmt.selection)
    lead = leads[0] if leads else None
    if chosen is not None:
        picked = [i for i in chosen if i in shown]
    elif fmt.default_count is not None and fmt.neutral and audience.lead:  # a card: only what an editor chose
        picked = list(leads)
    elif fmt.default_count is not None:  # a poster: the lead, then list order
        picked = leads + [i for i in shown if i not in leads]
    else:
        picked = list(shown)
    if fmt.lead == "first" and lead in shown:  # the leaflet's front leads with the chosen service
        picked = [lead] + [i for i in picked if i != lead]
    if chosen is None and fmt.default_count is not None:  # a line needs a number to call
        picked = [i for i in picked if shown[i].has_phone_to_call()]
        if fmt.neutral:  # never a name that says what the service is about (validation names them)
            picked = [i for i in picked if not cat.booklet.card_topic(shown[i])]
        picked = picked[:fmt.default_count]
    return picked


def printed_ids(cat: Catalogue, edition: Edition) -> list[str]:
    """The services whose card an edition prints, in order (as booklet_view selects them): a
    booklet's, every printable service of its situations; a leaflet's, poster's or card's, those
    its selection picks. Not the lines to talk to of content/booklet.yaml (a booklet's back cover,
    a leaflet's back), nor the emergency numbers."""
    audience = cat.audiences[edition.audience]
    shown: dict[str, Service] = {}
    for _ref, _situation, services in situations(cat, audience, edition.region):
        shown.update(services)
    fmt = FORMATS[edition.format]
    if fmt.selection is None:
        return list(shown)
    return picked_ids(cat, audience, fmt.name, shown, lead_ids(audience, shown))


SHORT_FORMATS = ("booklet", "leaflet", "poster", "card")
"""The formats a service can be in or not (the imposed booklet holds the booklet's pages)."""


def appearances(cat: Catalogue, sid: str) -> dict[str, list[str]]:
    """Where a service is printed: per audience (general editions), the formats that show it."""
    found: dict[str, list[str]] = {}
    for aid in sorted(cat.audiences):
        formats = [name for name in SHORT_FORMATS if sid in printed_ids(cat, Edition(aid, format=name))]
        if formats:
            found[aid] = formats
    return found
