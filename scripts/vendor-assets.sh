#!/usr/bin/env bash
# Fetches the front-end assets the pages serve themselves (boards run on closed networks, so
# nothing is ever loaded from a CDN) and copies them into web/static/, each with its licence.
#
#   govuk-frontend  CSS, JS, fonts and images of the GOV.UK Design System. Pinned to the
#                   version govuk-frontend-jinja 4.1.0 (the Jinja macros) is verified against.
#   mermaid         the browser bundle that draws a review type's state diagram on the case page.
#
# Each package comes from the npm registry with `npm pack` at a pinned version and its tarball is
# checked against the registry's sha512 integrity below before anything is copied. Run it again
# to re-create web/static/govuk-frontend and web/static/mermaid exactly; change a version here
# (and its integrity, from `npm view PACKAGE@VERSION dist.integrity`) to upgrade.
set -euo pipefail
cd "$(dirname "$0")/.."

GOVUK_VERSION=6.3.0
GOVUK_INTEGRITY="sha512-cXIQxm5PHCsbic47GXZrVBZhAeeshTLRL6ZBKilLsR6rMCjJuWb7Fruq0VUNMBJFlJk/srsRj/q8d5bM9cgKoA=="
MERMAID_VERSION=12.3.0
MERMAID_INTEGRITY="sha512-4113TdXeLAsMruJ79OpFL5O8+LTFXhQqZ260rF3tgUmiNAtRm4Uume04I+65PRN6yZ69J4f8rVYWW8zRk65UYw=="

STATIC=web/static
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch NAME VERSION INTEGRITY -> unpacks into $work/NAME
  local name=$1 version=$2 integrity=$3 tarball actual
  tarball=$(cd "$work" && npm pack --silent "$name@$version")
  actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "$name@$version: integrity $actual does not match the pinned $integrity" >&2
    exit 1
  fi
  mkdir -p "$work/$name"
  tar -xzf "$work/$tarball" -C "$work/$name" --strip-components=1
}

fetch govuk-frontend "$GOVUK_VERSION" "$GOVUK_INTEGRITY"
fetch mermaid "$MERMAID_VERSION" "$MERMAID_INTEGRITY"

# -- govuk-frontend ------------------------------------------------------------------------------
src="$work/govuk-frontend/dist/govuk"
dest="$STATIC/govuk-frontend"
rm -rf "$dest"
mkdir -p "$dest/assets"
cp "$src/govuk-frontend.min.css" "$src/govuk-frontend.min.js" "$dest/"
cp -R "$src/assets/fonts" "$src/assets/images" "$src/assets/manifest.json" "$dest/assets/"
cp "$work/govuk-frontend/package.json" "$work/govuk-frontend/README.md" "$dest/"
# The npm tarball carries no licence file; its package.json says MIT and its README's "Licence"
# section says what that covers. This is LICENSE.txt of github.com/alphagov/govuk-frontend.
cat > "$dest/LICENSE" <<'EOF'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.

Note on the GDS Transport font files in assets/fonts: the font is customised for exclusive
use on GOV.UK (see the comment in govuk-frontend.min.css). Services not on GOV.UK use
Arial instead: web/static/app/app.css sets that stack, so these files are never downloaded.
EOF

# -- mermaid -------------------------------------------------------------------------------------
dest="$STATIC/mermaid"
rm -rf "$dest"
mkdir -p "$dest"
cp "$work/mermaid/dist/mermaid.min.js" "$work/mermaid/LICENSE" "$work/mermaid/package.json" "$dest/"

printf 'govuk-frontend %s\nmermaid %s\n' "$GOVUK_VERSION" "$MERMAID_VERSION" > "$STATIC/VERSIONS"
echo "Vendored govuk-frontend $GOVUK_VERSION and mermaid $MERMAID_VERSION into $STATIC/."
