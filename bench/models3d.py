"""Solution 3D models: upload check time, DRACO compression, poster time, viewer code size.

    .venv/bin/python bench/models3d.py [--cells 224] [--texture 2048]

Makes a textured grid GLB (``--cells`` squared x 2 triangles; 224 gives about 100,000), runs
the upload checks (quick checks + the Khronos validator, median of 3), then the job's
processing (DRACO levels of detail and the poster) and prints sizes and times. The viewer's
code size is model-viewer's bundle (three.js inside) plus ModelViewer.jsx, gzipped, read from
tools' or the build's node_modules when present.
"""

from __future__ import annotations

import argparse
import gzip
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from aixplore.domain.models3d.checks import check_model  # noqa: E402
from aixplore.domain.models3d.poster import render_poster  # noqa: E402
from aixplore.domain.models3d.tools import run_tool  # noqa: E402
from tests.support.glb import make_glb  # noqa: E402

VIEWER_BUNDLE = "@google/model-viewer/dist/model-viewer.min.js"


def _texture(side: int) -> bytes:
    """A noisy JPEG texture (noise so it does not compress to nothing)."""
    image = Image.effect_noise((side, side), 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cells", type=int, default=224)
    parser.add_argument("--texture", type=int, default=2048, help="side in px; 0: none")
    args = parser.parse_args()
    data = make_glb(cells=args.cells, images=[_texture(args.texture)] if args.texture else [])
    times = []
    for _ in range(3):
        started = time.perf_counter()
        facts = check_model(data, "bench.glb")
        times.append(time.perf_counter() - started)
    print(
        f"model: {len(data) / 1e6:.2f} MB, {facts.triangles:,} triangles, {args.texture} px texture"
    )
    print(f"upload checks (quick + Khronos validator): median {statistics.median(times):.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.glb"
        source.write_bytes(data)
        out = Path(tmp) / "out"
        out.mkdir()
        started = time.perf_counter()
        summary = run_tool("process.mjs", source=source, args=[str(out)], timeout=600)
        processed = time.perf_counter() - started
        started = time.perf_counter()
        render_poster((out / "poster-source.glb").read_bytes())
        poster = time.perf_counter() - started
    print(f"DRACO + levels of detail: {processed:.2f} s; poster: {poster:.2f} s")
    for level in summary["levels"]:
        print(
            f"  {level['name']}: {level['bytes'] / 1e6:.2f} MB "
            f"({len(data) / level['bytes']:.1f}x smaller), {level['triangles']:,} triangles"
        )
    jsx = ROOT / "assets" / "components3d" / "ModelViewer.jsx"
    for base in (ROOT / ".web" / "node_modules", ROOT / "tools" / "gltf" / "node_modules"):
        bundle = base / VIEWER_BUNDLE
        if bundle.exists():
            print(
                f"viewer code: model-viewer {_gz(bundle) / 1024:.0f} KB gz + ModelViewer.jsx "
                f"{_gz(jsx) / 1024:.1f} KB gz (loaded only where a model is shown)"
            )
            break
    else:
        print("viewer code: build the app first (.web/node_modules) to measure it")


if __name__ == "__main__":
    main()
