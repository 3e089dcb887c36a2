"""The editor's tools: the link checker (through a guarded network layer), the call sheet,
confirming a check."""
