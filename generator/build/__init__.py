"""Building: what to make (plan), rendering a job (run), what is already built (incremental),
the report (report), and the orchestrator (make); quick.py answers a build with nothing changed."""
