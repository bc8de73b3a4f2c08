"""The web stage: the dashboard, the JSON API (`create_app`), shared with the offline report.

`kartoteka serve` runs `create_app(data_dir)` under uvicorn; see docs/web.md.
"""

from kartoteka.web.app import create_app

__all__ = ["create_app"]
