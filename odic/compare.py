"""``odic compare``: one photo through several codecs at the same file size, as one HTML page.

The page is self-contained (images embedded as PNG data URIs, no network), so it can be mailed
or attached to an issue. Every codec's picture sits in its own panel; zoom (wheel) and pan
(drag) move all panels together, holding the mouse on a panel shows the original in its place
(flicker), and a slider wipes between a chosen codec and the original. Under each panel: bytes,
bpp, PSNR, MS-SSIM and, with a classifier, its top-5 labels.

odic codes at the highest quality whose file fits the target (:mod:`odic.codec.target`) and the
page says which; the classical codecs search their setting for the size nearest the target
(:func:`odic.baselines.encode_at_bpp`).
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from odic.codec.image import LoadedImage


@dataclass(frozen=True)
class Panel:
    """One codec's result for the page."""

    codec: str
    setting: str
    num_bytes: int
    bpp: float
    psnr: float
    msssim: float | None
    rgb: np.ndarray
    labels: tuple[tuple[str, float], ...] = ()


def code(image: LoadedImage, codec: str, bpp: float) -> tuple[str, bytes, np.ndarray]:
    """(setting, file bytes, decoded H × W × 3 uint8) of ``codec`` (a name :func:`odic.codecs.get`
    takes) near ``bpp``; odic at the highest quality at or below it."""
    from odic import codecs

    coded = codecs.get(codec).encode_to_bpp(image, bpp, decoded=True)
    assert coded.pixels is not None
    return f"setting {coded.setting:g}", coded.data, coded.pixels


def top5(classifier: str | None, pictures: Sequence[np.ndarray]) -> list[tuple[tuple[str, float], ...]]:
    """Each picture's five most likely ImageNet labels under ``classifier`` (none without one)."""
    if classifier is None:
        return [() for _ in pictures]
    import torch
    from timm.data import ImageNetInfo

    from odic.observers import create_evaluator

    judge = create_evaluator(classifier)
    names = ImageNetInfo()
    logits = judge.classify([Image.fromarray(p) for p in pictures])
    probabilities, indexes = torch.softmax(logits.float(), dim=1).topk(5, dim=1)
    return [tuple((names.index_to_description(int(i)), float(p)) for p, i in zip(ps, idx))
            for ps, idx in zip(probabilities, indexes)]


def panels(image: LoadedImage, codecs: Sequence[str], bpp: float, classifier: str | None = None) -> list[Panel]:
    from odic.metrics import measure

    results = []
    for codec in codecs:
        setting, data, decoded = code(image, codec, bpp)
        m = measure(image.rgb, data, decoded)
        results.append((codec, setting, data, decoded, m))
    labels = top5(classifier, [image.rgb] + [r[3] for r in results])
    original = Panel("original", "", 0, 0.0, float("inf"), 1.0, image.rgb, labels[0])
    return [original] + [Panel(codec, setting, len(data), m.bpp or 0.0, m.psnr, m.msssim, decoded, found)
                         for (codec, setting, data, decoded, m), found in zip(results, labels[1:])]


def _data_uri(rgb: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def page(title: str, target_bpp: float, found: Sequence[Panel], classifier: str | None) -> str:
    """The self-contained HTML page for ``found`` (the original first)."""
    original, coded = found[0], found[1:]
    cards = []
    for i, p in enumerate(found):
        figures = ("the source" if p.codec == "original" else
                   f"{p.setting} · {p.num_bytes:,} bytes · {p.bpp:.3f} bpp · PSNR {p.psnr:.2f} dB · MS-SSIM "
                   + ("–" if p.msssim is None else f"{p.msssim:.4f}"))
        labels = "".join(f"<li>{html.escape(name)} <span>{100 * prob:.1f} %</span></li>" for name, prob in p.labels)
        cards.append(f'<figure class="panel" data-index="{i}"><div class="view"><img src="{_data_uri(p.rgb)}" '
                     f'alt="{html.escape(p.codec)}"></div><figcaption><b>{html.escape(p.codec)}</b> {figures}'
                     f'{"<ol>" + labels + "</ol>" if labels else ""}</figcaption></figure>')
    options = "".join(f'<option value="{i + 1}">{html.escape(p.codec)}</option>' for i, p in enumerate(coded))
    note = (f"top-5 labels: {html.escape(classifier)}" if classifier else "no classifier (give --classifier for top-5 "
                                                                          "labels)")
    return PAGE.format(title=html.escape(title), bpp=target_bpp, note=note, panels="".join(cards), options=options,
                       original=json.dumps(_data_uri(original.rgb)))


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>odic compare: {title}</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 16px; background: #f4f4f4; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 12px; }}
.panel {{ margin: 0; background: #fff; border: 1px solid #ccc; }}
.view {{ height: 300px; overflow: hidden; position: relative; cursor: grab; background: #222; }}
.view img {{ position: absolute; left: 0; top: 0; transform-origin: 0 0; image-rendering: pixelated; }}
figcaption {{ padding: 6px 8px; }} ol {{ margin: 4px 0 0 18px; padding: 0; }} li span {{ color: #666; }}
#wipe {{ position: relative; display: inline-block; }} #wipe img {{ display: block; max-width: 100%; }}
#wipe .top {{ position: absolute; left: 0; top: 0; }}
</style></head><body>
<h1>{title} at {bpp:g} bpp</h1>
<p>Wheel: zoom, drag: pan (all panels together); hold the mouse button without moving on a panel
to see the original in its place. {note}.</p>
<div class="grid" id="grid">{panels}</div>
<h2>Slider</h2>
<p><select id="pick">{options}</select> <input id="cut" type="range" min="0" max="100" value="50">
original on the right</p>
<div id="wipe"><img id="under"><img id="over" class="top"></div>
<script>
const original = {original};
const views = [...document.querySelectorAll('.view')];
const imgs = views.map(v => v.querySelector('img'));
let scale = 1, x = 0, y = 0, drag = null;
function apply() {{ imgs.forEach(i => i.style.transform = `translate(${{x}}px, ${{y}}px) scale(${{scale}})`); }}
views.forEach((v, k) => {{
  v.addEventListener('wheel', e => {{ e.preventDefault(); const r = v.getBoundingClientRect();
    const f = e.deltaY < 0 ? 1.25 : 0.8, px = e.clientX - r.left, py = e.clientY - r.top;
    x = px - (px - x) * f; y = py - (py - y) * f; scale *= f; apply(); }});
  v.addEventListener('mousedown', e => {{ drag = {{x: e.clientX - x, y: e.clientY - y, moved: false, k}};
    v.dataset.src = imgs[k].src; if (k > 0) imgs[k].src = original; }});
}});
window.addEventListener('mousemove', e => {{ if (!drag) return; drag.moved = true;
  x = e.clientX - drag.x; y = e.clientY - drag.y; apply(); }});
window.addEventListener('mouseup', () => {{
  if (drag) {{ const v = views[drag.k]; imgs[drag.k].src = v.dataset.src; }} drag = null; }});
const pick = document.getElementById('pick'), cut = document.getElementById('cut');
function wipe() {{ document.getElementById('under').src = original;
  const over = document.getElementById('over'); over.src = imgs[+pick.value].src;
  over.style.clipPath = `inset(0 ${{100 - cut.value}}% 0 0)`; }}
pick.addEventListener('change', wipe); cut.addEventListener('input', wipe); wipe(); apply();
</script></body></html>
"""
