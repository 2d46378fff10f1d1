"""The API's interactive documentation, ``/api/v1/docs``: Swagger UI from our own assets.

Swagger UI runs on the same origin as the session cookie, so it must be code we chose and
pinned, not whatever a CDN serves that day: the page loads the bundle built from the
``swagger-ui-dist`` npm package pinned in ``package-lock.json`` (``localdata.web.assets``),
from ``/assets/``, and nothing from any other site. A Content Security Policy says so to the
browser: scripts only from this origin (no inline script: the page starts Swagger UI from
``/assets/api-docs.mjs``), requests only to this origin, and the page in no frame.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        # Swagger UI's React components set style attributes as they draw.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local Data Library API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/assets/swagger-ui/swagger-ui-bundle.js"></script>
<script type="module" src="/assets/api-docs.mjs"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    """Swagger UI over the OpenAPI document, from the library's own pinned assets."""
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})
