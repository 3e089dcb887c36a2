"""Paper: the only package that imports WeasyPrint or pydyf, and the one place their internals are used."""
