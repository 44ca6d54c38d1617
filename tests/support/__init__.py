"""Helpers the tests share: running the command line, reading component trees and
reports, driving the browser, and independent checkers of plans."""
