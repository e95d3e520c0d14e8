"""Helpers for tests, benchmarks and drills. Nothing here is imported by the running app."""
