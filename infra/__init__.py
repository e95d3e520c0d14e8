# Not Python code: this file only makes infra/tests/ importable as the package infra.tests.
