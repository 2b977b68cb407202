"""Shared test configuration: the hypothesis profiles.

"default" is what CI runs: few examples, so that the property tests stay fast. "long"
draws ten times as many: ``python -m pytest --hypothesis-profile=long`` (the option comes
with hypothesis' pytest plugin). Neither has a deadline: the machine is shared, and
timing belongs to benchmarks/, not to tests. A test that wants more examples than the
profile gives should scale them from ``settings().max_examples``, so that "long" scales
them too.
"""
from __future__ import annotations

try:
    from hypothesis import settings
except ImportError:  # the property tests then fail to import, saying so; the others run
    settings = None

if settings is not None:
    settings.register_profile("default", max_examples=10, deadline=None, print_blob=True)
    settings.register_profile("long", max_examples=100, deadline=None, print_blob=True)
    settings.load_profile("default")
