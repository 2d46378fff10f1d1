"""The web pages, one router per kind of page."""
