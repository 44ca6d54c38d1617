"""The clinicsim test suite: unit, property, queueing-theory and end-to-end tests."""
