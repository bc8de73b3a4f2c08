"""Typed errors shared by every stage. Each carries the URL it concerns (when there is one)
so that a report can always point at the page that caused it."""

from __future__ import annotations


class KartotekaError(Exception):
    """Base class: a message plus the URL of the page or request concerned."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url

    def __str__(self) -> str:
        return f"{self.message} ({self.url})" if self.url else self.message


class ParseError(KartotekaError):
    """A page could not be read as the kind it claimed to be (the page stays archived)."""


class Throttled(KartotekaError):
    """The court answered 429 or "Информация временно недоступна": cool the court down."""

    def __init__(self, message: str, url: str | None = None, retry_after: float | None = None):
        super().__init__(message, url)
        self.retry_after = retry_after


class CaptchaRequired(KartotekaError):
    """The court asks for a "Проверочный код": stop asking it until a person answers."""


class Blocked(KartotekaError):
    """The court refuses us (403, a block of foreign addresses, or it is always down)."""


class PolitenessError(KartotekaError):
    """A configuration would make the harvester ruder than DESIGN.md allows."""
