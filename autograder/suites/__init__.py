"""The graded suites: one module per exercise, plus the end-to-end xor tests."""
