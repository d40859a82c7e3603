"""Package the extension for the stores: dist/thrice-chrome.zip and dist/thrice-firefox.zip.

One source tree (extension/) serves both browsers. Its manifest.json is the Chrome one: an MV3
service worker. Firefox runs MV3 backgrounds as event pages, so its copy of the manifest gets
``background.scripts`` (same module file) instead of ``service_worker``, plus
``browser_specific_settings.gecko`` (an add-on id, which MV3 signing requires; the minimum
version that has ``optional_host_permissions``; and the data-collection declaration that
addons.mozilla.org requires of new add-ons).

Usage: python scripts/package_extension.py [--out DIR]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXTENSION = ROOT / "extension"
DIST = ROOT / "dist"

# What ships: the runtime tree only (no tests, fixtures, node_modules or npm files).
SHIPPED_DIRS = ("content", "icons", "lib", "options", "popup")
SHIPPED_FILES = ("background.js",)
SHIPPED_SUFFIXES = {".js", ".html", ".css", ".png", ".svg", ".json"}

GECKO = {
    "id": "thrice@thrice.extension",
    "strict_min_version": "128.0",
    # Names and profile details of the people the user saves go to the Thrice server the user
    # configured; nothing else is collected.
    "data_collection_permissions": {"required": ["personallyIdentifyingInfo", "websiteContent"]},
}

# A fixed timestamp keeps the archives byte-for-byte reproducible.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def load_manifest(ext_dir: Path = EXTENSION) -> dict[str, Any]:
    return json.loads((ext_dir / "manifest.json").read_text(encoding="utf-8"))


def chrome_manifest(source: dict[str, Any]) -> dict[str, Any]:
    """The manifest for Chrome: the source one, without Firefox-only keys."""
    manifest = copy.deepcopy(source)
    manifest.pop("browser_specific_settings", None)
    background = manifest["background"]
    manifest["background"] = {"service_worker": background["service_worker"], "type": "module"}
    return manifest


def firefox_manifest(source: dict[str, Any]) -> dict[str, Any]:
    """The manifest for Firefox: an event-page background and the gecko settings."""
    manifest = copy.deepcopy(source)
    worker = manifest["background"]["service_worker"]
    manifest["background"] = {"scripts": [worker], "type": "module"}
    manifest["browser_specific_settings"] = {"gecko": copy.deepcopy(GECKO)}
    return manifest


def shipped_files(ext_dir: Path = EXTENSION) -> list[Path]:
    """The files to ship, relative to ext_dir, sorted (manifest.json excluded: it's rewritten)."""
    files = [Path(name) for name in SHIPPED_FILES]
    for folder in SHIPPED_DIRS:
        for path in sorted((ext_dir / folder).rglob("*")):
            if path.is_file() and path.suffix in SHIPPED_SUFFIXES:
                files.append(path.relative_to(ext_dir))
    return sorted(set(files), key=lambda p: p.as_posix())


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_zip(target: Path, manifest: dict[str, Any], ext_dir: Path, files: list[Path]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        _add(archive, "manifest.json", (json.dumps(manifest, indent=2) + "\n").encode())
        for rel in files:
            _add(archive, rel.as_posix(), (ext_dir / rel).read_bytes())
    return target


def check_references(manifest: dict[str, Any], files: list[Path]) -> None:
    """Fail early when the manifest names a file that would not be in the archive."""
    present = {p.as_posix() for p in files}
    background = manifest["background"]
    wanted = [background.get("service_worker"), *background.get("scripts", [])]
    wanted += [
        manifest.get("action", {}).get("default_popup"),
        manifest.get("options_ui", {}).get("page"),
    ]
    wanted += [js for cs in manifest.get("content_scripts", []) for js in cs.get("js", [])]
    wanted += list(manifest.get("icons", {}).values())
    missing = sorted({w for w in wanted if w and w not in present})
    if missing:
        raise SystemExit(f"manifest refers to files that are not shipped: {', '.join(missing)}")


def build(ext_dir: Path = EXTENSION, out_dir: Path = DIST) -> list[Path]:
    """Write both archives; returns their paths."""
    source = load_manifest(ext_dir)
    files = shipped_files(ext_dir)
    outputs = []
    targets = (("chrome", chrome_manifest(source)), ("firefox", firefox_manifest(source)))
    for name, manifest in targets:
        check_references(manifest, files)
        outputs.append(write_zip(out_dir / f"thrice-{name}.zip", manifest, ext_dir, files))
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DIST, help="output folder (default: dist/)")
    parser.add_argument("--extension", type=Path, default=EXTENSION, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for path in build(args.extension, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
