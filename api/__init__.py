"""The REST layer: a thin Litestar app over `claims`."""
