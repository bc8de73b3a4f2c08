"""The captcha hand-off: read the challenge off a court's page and hand it to a person.

Court sites ask for a "Проверочный код" in a form with an image (inline, as a base64 `data:`
URI, or a link) and a hidden `captchaid`. The answer is sent back as the query parameters
`captcha` and `captchaid` of the next request; on some courts one solved code opens the
court (or a whole region) for a while. kartoteka never guesses a code: with a terminal
attached, `kartoteka harvest` saves the image and asks; otherwise the court is reported as
"needs captcha" and the rest of the harvest goes on.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from kartoteka.sudrf.encoding import decode_page


@dataclass(frozen=True, slots=True)
class CaptchaChallenge:
    """What a person needs to answer a captcha, and where the answer goes."""

    court_code: str
    page_url: str
    captcha_id: str | None
    image: bytes | None  # the picture, when the page carries it inline
    image_url: str | None  # or where it is, when it is a link
    image_path: Path | None = None  # where it was saved for a person to look at

    def answer_params(self, code: str) -> dict[str, str]:
        """The query parameters that answer this challenge."""
        params = {"captcha": code.strip()}
        if self.captcha_id:
            params["captchaid"] = self.captcha_id
        return params


def read_challenge(body: bytes, page_url: str, court_code: str) -> CaptchaChallenge:
    """The challenge on a captcha page (never raises: missing parts are None)."""
    tree = LexborHTMLParser(decode_page(body))
    node = tree.css_first("input[name='captchaid']")
    captcha_id = (node.attributes.get("value") or None) if node is not None else None
    image = image_url = None
    for img in tree.css("img"):
        src = (img.attributes.get("src") or "").strip()
        if src.replace(" ", "").lower().startswith("data:image/"):
            _, _, data = src.partition(",")
            try:
                image = base64.b64decode("".join(data.split()), validate=False)
            except (binascii.Error, ValueError):
                image = None
            break
        if "captcha" in src.lower() or "kcaptcha" in src.lower():
            image_url = src
            break
    return CaptchaChallenge(court_code, page_url, captcha_id, image, image_url)


def save_image(challenge: CaptchaChallenge, directory: Path) -> CaptchaChallenge:
    """Write the inline image to `directory/captcha-<court>.png` for a person to open."""
    if challenge.image is None:
        return challenge
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"captcha-{challenge.court_code}.png"
    path.write_bytes(challenge.image)
    return CaptchaChallenge(
        challenge.court_code,
        challenge.page_url,
        challenge.captcha_id,
        challenge.image,
        challenge.image_url,
        path,
    )


CAPTCHA_SCOPES = ("court", "region")
DEFAULT_VALIDITY_S = 6 * 3600.0
MAX_WRONG_PER_COURT = 2  # per run: repeated wrong answers get a court throttled


@dataclass(frozen=True, slots=True)
class CaptchaPolicy:
    """How far a solved pair (`captcha`, `captchaid`) reaches, and for how long.

    Both are second-hand facts (DOMAIN.md §5: peers report a region's captcha courts sharing
    one solved pair for about six hours), so they are configuration. The default scope is
    the court: a region scope where the sites do not share would send pairs that fail, and
    the harvester would take that as an expiry and ask again; a court scope where they do
    share only costs a question per court. A site showing the captcha form although the pair
    was sent ends the pair early, whatever `validity_s` says."""

    scope: str = "court"
    validity_s: float = DEFAULT_VALIDITY_S
    max_wrong: int = MAX_WRONG_PER_COURT

    def __post_init__(self) -> None:
        if self.scope not in CAPTCHA_SCOPES:
            raise ValueError(f"captcha scope must be court or region, not {self.scope!r}")
        if self.validity_s <= 0:
            raise ValueError("captcha validity must be positive")

    def scope_key(self, court_code: str, region_code: str | None) -> str:
        """`court:<code>` or `region:<region>` (a garrison court's two leading digits name
        its region when the registry has no region code)."""
        if self.scope == "region":
            return f"region:{region_code or court_code[:2]}"
        return f"court:{court_code}"
