"""--redact pseudonyms: stable under a key, different under another, never the name."""

from coachmentor.files.redact import Redactor


def test_same_key_same_pseudonym_and_no_name():
    a, b = Redactor(b"k1"), Redactor(b"k1")
    p = a.pseudonym("Jane Smith")
    assert p == b.pseudonym("Jane Smith") == a.pseudonym(" jane smith ")
    assert "jane" not in p.lower() and p.startswith("anon-")


def test_other_key_other_pseudonym():
    assert Redactor(b"k1").pseudonym("Jane Smith") != Redactor(b"k2").pseudonym("Jane Smith")


def test_different_names_differ_and_blank_stays_blank():
    r = Redactor(b"k")
    assert r.pseudonym("Jane Smith") != r.pseudonym("John Smith")
    assert r.pseudonym("") == ""


def test_without_key_pseudonyms_are_random_per_run(monkeypatch):
    monkeypatch.delenv("COACHMENTOR_REDACT_KEY", raising=False)
    r1, r2 = Redactor(), Redactor()
    assert not r1.stable
    assert r1.pseudonym("Jane") == r1.pseudonym("Jane")
    assert r1.pseudonym("Jane") != r2.pseudonym("Jane")


def test_key_from_environment(monkeypatch):
    monkeypatch.setenv("COACHMENTOR_REDACT_KEY", "secret")
    assert Redactor().stable
    assert Redactor().pseudonym("Jane") == Redactor(b"secret").pseudonym("Jane")
