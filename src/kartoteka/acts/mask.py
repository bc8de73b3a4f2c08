"""placeholder"""


def mask_text(text: str) -> str:
    return text
