"""One output document, named: which audience, language, format and edition, and where it goes.

Standard library and the format table only: the link checker, the web pages and the build name
documents without loading the view model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from generator.base.formats import FORMATS


@dataclass(frozen=True)
class Edition:
    """One output document: which audience, in which language and format, for which edition."""

    audience: str
    lang: str = "en"
    format: str = "booklet"
    region: str | None = None
    """Leave out services that serve only other regions."""
    discreet: bool = False
    """A neutral outside: nothing on the cover, back or file metadata that outs its carrier."""
    centre: str | None = None
    """A reception centre's edition, with its own contacts on the inside cover."""
    print_shop: bool = False
    """PDF/X-4 with bleed, crop marks and CMYK colours, for a print shop."""

    @property
    def relpath(self) -> str:
        return f"{self._folder}{self._stem}-{self.format}{self._suffix}.pdf"

    @property
    def page(self) -> str:
        """Where this edition's web page is, under output/site/ (generator/outputs/site.py writes it, a
        wallet card's QR code leads to it): ``<lang>/<code>.html``, a short code that names no
        topic (browser history, a shared link and a scanned card show it), the same in every
        language; the manifest says which edition each code is."""
        return f"{self.lang}/{self.code}.html"

    @property
    def site_pdf(self) -> str:
        """This PDF's address under output/site/, next to its page: ``<lang>/<code>-<format>.pdf``."""
        return f"{self.lang}/{self.code}-{self.format}.pdf"

    @property
    def code(self) -> str:
        """Six hex digits from the audience, region, centre and edition (not the language nor
        the format): stable from build to build, and no word of the topic."""
        key = "/".join((self.audience, self.region or "", self.centre or "", "discreet" if self.discreet else ""))
        return hashlib.sha256(key.encode()).hexdigest()[:6]

    @property
    def _folder(self) -> str:
        return (f"centres/{self.centre}/" if self.centre else "") + f"{self.lang}/" + ("discreet/" if self.discreet else "")

    @property
    def _stem(self) -> str:
        """The audience id; for a discreet edition a neutral name that says nothing of its topic
        (a file shared by phone shows its name), stable for the audience: the manifest says which
        audience it is."""
        if self.discreet:
            return f"your-rights-{hashlib.sha256(self.audience.encode()).hexdigest()[:4]}"
        return self.audience

    @property
    def _suffix(self) -> str:
        suffix = f"-{self.region}" if self.region and not self.centre else ""
        return suffix + ("-print" if self.print_shop else "")

    @property
    def source(self) -> Edition:
        """The edition whose rendering this one is made from (imposition reuses the booklet)."""
        return replace(self, format=FORMATS[self.format].source)


def site_page_url(site_url: str, lang: str, audience: str) -> str:
    """The web page a wallet card's QR code leads to: the audience's discreet page, whose address
    and title say nothing of its topic (a card is carried on the body, and a scanned code shows
    its address on the phone)."""
    return f"{site_url.rstrip('/')}/{Edition(audience, lang, discreet=True).page}"
