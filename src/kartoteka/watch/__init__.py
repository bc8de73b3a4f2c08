"""The watch stage: saved searches, digests of what changed, Atom/JSON feeds, notifications.

It reads the store's changes (`kartoteka.store.changes`, computed by every ingest) and never
decides itself what changed: `searches` keeps the saved searches, `digest` selects a search's
changes of a time span, `render` writes them as JSON, Markdown or HTML, `feeds` as Atom and
JSON Feed, `notify` sends them once to apprise targets whose URLs `config` keeps out of the
store. See docs/watch.md.
"""
