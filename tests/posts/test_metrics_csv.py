"""CSV downloads: RFC 4180, UTF-8 with BOM, formula cells neutralised, re-parse to the rows."""

from decimal import Decimal

import pytest

from posts.metrics_csv import csv_cell, csv_parse, csv_text

HOSTILE = ["=1+1", "+47 123", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "\0NUL"]


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_formula_cell_is_prefixed(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_formula_cell_reparses_prefixed(value):
    (row,) = csv_parse(csv_text(["a"], [[value]]).encode())[1:]

    assert row == ["'" + value]


def test_csv_numbers_stay_numbers_even_negative():
    assert [csv_cell(v) for v in (-3, 0, 12, Decimal("245.50"), 40.5)] == [
        "-3",
        "0",
        "12",
        "245.50",
        "40.5",
    ]


def test_csv_not_reported_is_an_empty_cell():
    assert csv_cell(None) == ""


def test_csv_quotes_newlines_and_norwegian_letters_reparse_equal():
    rows = [
        ['Sier "hei"', "linje 1\nlinje 2", "Blåbærsyltetøy, Ærlig Øl", 7],
        ["comma, inside", "crlf\r\ninside", "", 0],
    ]

    parsed = csv_parse(csv_text(["tekst", "mer", "æøå", "n"], rows).encode("utf-8"))

    assert parsed == [
        ["tekst", "mer", "æøå", "n"],
        ['Sier "hei"', "linje 1\nlinje 2", "Blåbærsyltetøy, Ærlig Øl", "7"],
        ["comma, inside", "crlf\r\ninside", "", "0"],
    ]


def test_csv_is_utf8_with_bom_and_crlf_line_ends():
    data = csv_text(["a", "b"], [["x", 'y"z']]).encode("utf-8")

    assert data == '\ufeffa,b\r\nx,"y""z"\r\n'.encode()
