"""Benchmarks: each `bench_<topic>.py` has a `main()` that prints a Rich table. Run them on purpose
(`python -m benchmarks`, or `python -m benchmarks synth matching` for some), never in the test suite."""
