"""The review page for people (`/review`): browser sign-in (auth), view models (views), the HTML
routes (routes) and the timeline chart's SVG geometry (chart)."""
