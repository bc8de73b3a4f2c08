"""The operator's tools: what the registry, the harvest state, the archive and the store say
together about each court (`kartoteka courts`, `kartoteka doctor`, `doctor --bundle`).

Its own package because it reads every stage at once: the harvest package must not read the
store (data moves forward only), and the store must not read the harvest state. Nothing here
writes anything but the bundle file; nothing here contacts a court (that is
`kartoteka.harvest.probe`, through the one gateway).
"""
