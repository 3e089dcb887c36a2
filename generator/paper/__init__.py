"""From HTML to paper: the only package that imports WeasyPrint and pydyf. Layout, the fit
and design checks, imposition, the PDF finisher, and the libraries' private objects behind
small functions (weasy, pydyf_internals) with the supported versions (versions)."""
