"""Translations: the layouts' fixed phrases and the content's text, in PO catalogues.

Two kinds of catalogue, both standard gettext PO files that translators' tools open:

- ``layouts/locale/<lang>.po`` (in the project folder, next to content/): the fixed phrases of
  the layouts and of ``view.py`` (extracted into ``layouts/locale/messages.pot``), compiled in
  memory at build time.
- ``content/translations/<lang>.po``: every translatable field of the content. Each entry's
  context names the field (``services/myria:summary``) and its msgid is the English text the
  translation was made from: that is the fingerprint. When the English changes, the stored
  msgid no longer matches and the entry is *stale*.

Status of an entry, in gettext's own terms: ``fuzzy`` marks a machine draft (not yet reviewed
by a person); a translation without ``fuzzy`` is reviewed. Drafts are printed (with a note in the
colophon asking readers to report mistakes); stale and missing entries fall back to English with
a warning, and ``--strict`` refuses them.

The modules, one job each (import from them; this package re-exports nothing): ``po`` (PO files
on disk: read, write, splice), ``translator`` (the translations a build uses), ``syntax`` (what
makes a PO file unsafe to take), ``checks`` (coverage, and the problems of the translation
files), ``exchange`` (export and import for translators). Which texts of the content are
translated is read from the schema: generator/content/texts.py. Nothing here prints.
"""
