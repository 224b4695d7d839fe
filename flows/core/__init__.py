"""The types every layer shares, at the bottom of the package graph: a fetch, a feed page
and its entries, the records a source makes of them, and the Source protocol. Nothing here
imports any other part of `flows`."""
