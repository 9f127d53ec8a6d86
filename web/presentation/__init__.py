"""What the pages and the command line both show: documents rendered from templates, with no
request, no session and no sign-in, so ``workflow report annual`` writes the same printable
annual report the page shows without importing the pages or the API (a contract in
``pyproject.toml`` holds this).

- ``charts``: horizontal bar charts as inline SVG (nothing is fetched from elsewhere);
- ``annual``: the annual report's charts, the values its templates read, and the report as one
  self-contained printable HTML document.
"""
