"""The content layer: what is under content/, as data, and the rules it is checked against.

Below the translations (generator/i18n/) and everything that renders: a module here imports only
the base modules (errors, fields, files, formats, clock, qr) and the other content modules (load,
model, validate), never i18n, the view or the build.
"""
