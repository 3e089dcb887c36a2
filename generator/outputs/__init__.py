"""The outputs besides the PDFs: the web pages and the HSDS export."""
