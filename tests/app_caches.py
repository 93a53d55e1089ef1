"""Work every new app repeats, done once per test session instead.

The suite builds a fresh application for nearly every test (thousands per
run). Two parts of that are pure functions of source text and cost more
than most tests themselves, so the test session shares their results:

- Jinja compiles each template a test renders, in every new app: one shared
  bytecode cache (Jinja's own mechanism, keyed by template name and source
  checksum) lets later apps load the compiled code instead.
- Werkzeug compiles two Python functions per URL rule to build URLs, in every
  new app: the compiled builders are kept, keyed by everything the generated
  code depends on. The code calls the rule's own converters at run time, so a
  kept builder is exact for any app; rules whose defaults are baked into the
  code are compiled as usual.

Neither changes what a request does, only how often the same code is compiled.
"""

from jinja2 import BytecodeCache
from werkzeug.routing import Rule


class SharedTemplateCode(BytecodeCache):
    """Compiled templates kept in memory for every app of the test session."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_compile_builder = Rule._compile_builder
_builders: dict[tuple, object] = {}


def _kept_builder(self: Rule, append_unknown: bool = True):
    defaults = self.defaults or {}
    if any(is_dynamic and name in defaults for is_dynamic, name in self._trace):
        return _compile_builder(self, append_unknown)
    key = (self.rule, tuple(self._trace), tuple(defaults), append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


def install() -> None:
    """Share compiled templates and URL builders between the session's apps."""
    from flask import Flask

    template_code = SharedTemplateCode()
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": template_code}
    Rule._compile_builder = _kept_builder
