"""Hypothesis profiles and hostile values shared by the fuzz tests.

Two profiles: `loket-fuzz-ci` (the default) runs a bounded number of examples and is
derandomized, so every run of CI tries the same inputs and a failure reproduces exactly;
`loket-fuzz-long` (`LOKET_FUZZ=long`) runs 10,000 examples per test with a fresh random seed
each time (Hypothesis prints the seed of a failure so it can be replayed with `--hypothesis-seed`).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

LONG = os.environ.get("LOKET_FUZZ", "").lower() == "long"
LONG_EXAMPLES = 10_000

settings.register_profile(
    "loket-fuzz-ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "loket-fuzz-long",
    max_examples=LONG_EXAMPLES,
    derandomize=False,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fuzz_settings(ci_examples: int, *, also_suppress: tuple[HealthCheck, ...] = ()) -> settings:
    """The settings of one fuzz test: `ci_examples` in CI, 10,000 with `LOKET_FUZZ=long`;
    `also_suppress` names health checks the test trips on purpose."""
    parent = settings.get_profile("loket-fuzz-long" if LONG else "loket-fuzz-ci")
    checks = [*parent.suppress_health_check, *also_suppress]
    if LONG:
        return settings(parent, suppress_health_check=checks)
    return settings(parent, max_examples=ci_examples, suppress_health_check=checks)


# Values that broke or could break something somewhere: NULs and lone surrogates (PostgreSQL,
# UTF-8), bidi overrides and zero-width characters (display), markup and formula prefixes
# (escaping, CSV), SQL and template syntax, format strings, and words the engine acts on.
HOSTILE_WORDS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "\u202ekiri",
    "\u200b",
    "\ufeff",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "+62 812",
    "'; DROP TABLE resident; --",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "%s%n%x",
    "../../etc/passwd",
    "😀" * 40,
    "ﷺ" * 60,
    "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦",  # Arabic-Indic digits where an NIK is expected
    "1303015708900001",
    "7307012010150001",
    "0000000000000000",
    "99999999999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "17-08-1990",
    "31-02-2020",
    "Siti Aminah",
    "perempuan",
    "ktp hilang",
    "akta kelahiran",
    "halo",
    "menu",
    "batal",
    "ya",
    "tidak",
    "ubah",
    "kembali",
    "operator",
    "status",
    "english",
    "bahasa indonesia",
    "1",
    "0",
    "11",
]
# Prefixes of the ids the engine puts on buttons and list rows, for forged taps.
ID_PREFIXES = ["svc:", "req:", "cmd:", "var:", "opt:", "doc:", "lang:", "page:", "svy:", ""]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_WORDS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    # Huge strings: far over every message and field limit (4,096 characters of a reply).
    st.builds(lambda char, count: char * count, st.characters(), st.integers(1_000, 70_000)),
)

forged_id = st.one_of(
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(ID_PREFIXES),
        st.one_of(st.sampled_from(["", "ktp", "kk", "-1", "9" * 30, "resume"]), hostile_text),
    ),
    st.sampled_from(["resume", "page:99999999999999999999", "page:-1", "cmd:agent", "cmd:status"]),
)
