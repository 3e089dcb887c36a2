"""The content layer: YAML read with the place of every value, checked values, the schema,
the loaded catalogue, and validation (schema, salvage, cross-file rules, links)."""
