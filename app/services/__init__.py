"""Services turn requests' parsed values into model changes. They ``flush()``; the request
commits once (see ``app.database``)."""
