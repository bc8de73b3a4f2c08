"""kartoteka: a reproducible monitor of Russian military-court prosecutions (sudrf.ru indexes).

Pipeline stages, one package each: registry → sudrf (pure page protocol) → harvest (polite
fetcher + WARC) → store (DuckDB projection of the archive) → stats (metric definitions) →
web / report / cli. The sandbox simulates the court network for tests, demos and benchmarks.
"""

__version__ = "0.1.0"
