"""The court-site protocol as pure functions, no I/O: query encoding and URL building for both
dialects, page decoding, classification, listing and card parsing, charge strings."""
