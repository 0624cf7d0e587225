"""A third interaction floor: the minimal page's content inside the app's own frame.

The dashboard's navigation (every page), its sidebar (language box, who is
signed in) and its page style are drawn around ``minimal_page.py``, which
is the default page here (the overview moves to ``/overview``).
``bench_pages.py`` times the same changes on it as on the minimal page:
what the app's frame adds to any change, before a page's own content.
"""

import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dashboard  # noqa: E402
from afus.pages import PAGES, PageSpec  # noqa: E402

# A title key the catalogue does not hold is shown as it is.
MINIMAL = PageSpec("benchmarks/minimal_page.py", "", "Minimal page", ":material/science:")
dashboard.main([MINIMAL, *(replace(spec, url_path=spec.url_path or "overview") for spec in PAGES)], base=ROOT)
