"""Build the web pages' static assets from the pinned npm packages.

``python -m localdata.web.assets [node_modules]`` copies GOV.UK Frontend's built CSS, its
JavaScript and its images from ``node_modules/govuk-frontend/dist/govuk/`` (installed by
``npm ci`` from ``package-lock.json``) into ``localdata/web/static/govuk/``, and Swagger UI's
built bundle and stylesheet (``swagger-ui-dist``, with its licence and notice) into
``localdata/web/static/swagger-ui/`` for the API docs (``localdata.api.docs``); neither folder
is committed. ``make run`` and ``make test`` run it.

Decision: the GDS Transport typeface is licensed for GOV.UK services only, and this library is
run by councils and hubs on their own domains, so the CSS is rewritten to use Arial (the Design
System's own fallback, and its advice for services not on GOV.UK) and the font files are not
copied. Nothing is loaded from another site.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static" / "govuk"
SWAGGER_UI = STATIC.parent / "swagger-ui"
SWAGGER_UI_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE")
FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
GOVUK_FONT = re.compile(r"(?:\"GDS Transport\"|GDS Transport),\s*")


def build_assets(node_modules: Path, target: Path = STATIC) -> list[Path]:
    """Copy the built GOV.UK Frontend assets into ``target``; the files written."""
    dist = node_modules / "govuk-frontend" / "dist" / "govuk"
    if not (dist / "govuk-frontend.min.css").exists():
        raise SystemExit(f"GOV.UK Frontend is not installed in {node_modules}: run `npm ci` first.")
    if target.exists():
        shutil.rmtree(target)
    (target / "images").mkdir(parents=True)
    css = (dist / "govuk-frontend.min.css").read_text(encoding="utf-8")
    css = GOVUK_FONT.sub("", FONT_FACE.sub("", css))
    written = [target / "govuk-frontend.min.css"]
    written[0].write_text(css, encoding="utf-8")
    written.append(Path(shutil.copy2(dist / "govuk-frontend.min.js", target)))
    for image in (dist / "assets" / "images").iterdir():
        written.append(Path(shutil.copy2(image, target / "images")))
    return written


def build_swagger_ui(node_modules: Path, target: Path = SWAGGER_UI) -> list[Path]:
    """Copy Swagger UI's built bundle and stylesheet into ``target``; the files written."""
    dist = node_modules / "swagger-ui-dist"
    if not (dist / "swagger-ui-bundle.js").exists():
        raise SystemExit(f"Swagger UI is not installed in {node_modules}: run `npm ci` first.")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    return [Path(shutil.copy2(dist / name, target)) for name in SWAGGER_UI_FILES]


def main() -> None:
    """Build the assets from the node_modules folder given (./node_modules by default)."""
    node_modules = Path(sys.argv[1] if len(sys.argv) > 1 else "node_modules")
    written = build_assets(node_modules)
    print(f"Built {len(written)} GOV.UK Frontend assets into {STATIC}")
    swagger = build_swagger_ui(node_modules)
    print(f"Built {len(swagger)} Swagger UI assets into {SWAGGER_UI}")


if __name__ == "__main__":
    main()
