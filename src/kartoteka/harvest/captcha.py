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
