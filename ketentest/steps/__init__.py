"""The pytest plugin that runs the Dutch chain library: its options and fixtures (`plugin`)
and the step definitions (`library`). Both are registered as pytest11 entry points, so any
pytest run finds the steps; `ketentest run` is the usual way in."""
