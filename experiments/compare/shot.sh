#!/usr/bin/env bash
# The README's picture of `odic compare`: kodim23 at 0.25 bpp, the page as headless Chromium draws it.
#   bash experiments/compare/shot.sh      (needs Debian's chromium and ../shared)
set -euo pipefail
out=$(mktemp -d)
odic compare ../shared/data/kodak/kodim23.png --bpp 0.25 --codecs odic:0,odic:1,avif,webp,jpeg -o "$out/compare.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$out/shot.png" \
  --window-size=1600,760 "file://$out/compare.html" 2>/dev/null
python -c "from PIL import Image; Image.open('$out/shot.png').convert('RGB').save('docs/compare.jpg', quality=82)"
rm -r "$out"
