"""No merge-conflict marker is ever committed (several streams merge into main; a marker in a
YAML or notebook would not fail any other test until that file is read)."""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)


def test_no_tracked_file_holds_a_conflict_marker():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    hits = []
    for rel in files:
        p = ROOT / rel
        if p.suffix not in {".py", ".yaml", ".yml", ".md", ".ipynb", ".toml", ".txt", ".cfg", ".json", ""}:
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        hits += [f"{rel}:{text[:m.start()].count(chr(10)) + 1}" for m in MARKER.finditer(text)]
    assert hits == [], hits
