"""Courts (imported from a CSV or the public sudrf directory; none bundled), the Chapter 33
article catalogue, and charge strings."""
