"""From content to HTML: which services an edition prints, its view model (typed), the words
in the reader's language, and the Jinja2 templates."""
