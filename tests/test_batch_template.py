"""`coachmentor template`: a ready-to-fill CSV or workbook that `assess` accepts as it is."""

from __future__ import annotations

import csv
import io

from coachmentor.batch.template import template_columns


def test_csv_template_has_every_field_and_an_assessable_example(run_cli, shipped_rules, tmp_path):
    result = run_cli("template")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode(), newline="")))
    assert rows[0] == [*shipped_rules.info_fields, *shipped_rules.question_order]
    assert len(rows) == 2 and len(rows[1]) == len(rows[0])
    for fid, value in zip(rows[0], rows[1]):
        if fid in shipped_rules.questions:
            assert value in shipped_rules.choice_values[fid]
    path = tmp_path / "t.csv"
    assert run_cli("template", "-o", path).exit_code == 0
    back = run_cli("assess", path, "-q")
    assert back.exit_code == 0
    assert ",ok," in back.stdout_bytes.decode()


def test_template_refuses_to_overwrite_without_force(run_cli, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("keep me")
    result = run_cli("template", "-o", path)
    assert result.exit_code == 2 and "--force" in result.stderr
    assert path.read_text() == "keep me"
    assert run_cli("template", "-o", path, "--force").exit_code == 0
    assert path.read_text(encoding="utf-8-sig").startswith("staff_id,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_xlsx_template_offers_drop_down_lists(run_cli, shipped_rules, tmp_path):
    import openpyxl

    path = tmp_path / "staff.xlsx"
    result = run_cli("template", "-o", path)  # format from the name
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(path)
    ws = wb["staff"]
    header, example = template_columns(shipped_rules)
    assert [c.value for c in ws[1]] == header
    assert [c.value or "" for c in ws[2]] == example
    choices = wb["choices"]
    assert choices.sheet_state == "hidden"
    validations = {}
    for dv in ws.data_validations.dataValidation:
        (cells,) = dv.sqref.ranges  # one range per column, e.g. D2:D2000
        first = cells.coord.split(":")[0]
        validations[first.rstrip("0123456789")] = dv
        assert first.endswith("2") and cells.coord.endswith("2000")
    assert len(validations) == len(shipped_rules.question_order)
    for col, fid in enumerate(header, start=1):
        if fid not in shipped_rules.questions:
            continue
        letter = openpyxl.utils.get_column_letter(col)
        dv = validations[letter]
        assert dv.type == "list" and dv.formula1.startswith("=choices!$")
        # the range the list points at holds exactly the allowed values
        ref = dv.formula1.split("!")[1].replace("$", "")
        listed = [c.value for row in choices[ref] for c in row]
        assert listed == shipped_rules.choice_values[fid]
        assert dv.allow_blank is (fid not in shipped_rules.required)
    assert "guide" in wb.sheetnames
    back = run_cli("assess", path, "-q")
    assert back.exit_code == 0


def test_xlsx_template_needs_a_file_name(run_cli):
    result = run_cli("template", "--format", "xlsx")
    assert result.exit_code == 2 and "-o" in result.stderr
    assert result.stdout_bytes == b""
