"""Unit tests of the masking logic (plain Python, no wasm):

    cd examples/enzymes/python-pii-masker && python3 -m unittest -v
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pii import Config, ConfigError, Masker  # noqa: E402


def mask(text, **cfg):
    return Masker(Config.from_dict(cfg)).mask_text(text)[0]


class Emails(unittest.TestCase):
    def test_plain_addresses(self):
        for addr in [
            "jane.doe@acme.com",
            "j@x.io",
            "first.last+tag@mail.example.co.uk",
            "ops_team-1@sub.domain.org",
            "ANNA.K@Firma.DE",
        ]:
            with self.subTest(addr=addr):
                self.assertEqual(mask(f"write to {addr} please"), "write to [EMAIL] please")

    def test_punctuation_around(self):
        self.assertEqual(mask("(mail: bob@acme.com)."), "(mail: [EMAIL]).")
        self.assertEqual(mask("<bob@acme.com>, 'al@acme.com'"), "<[EMAIL]>, '[EMAIL]'")
        self.assertEqual(mask("mailto:bob@acme.com"), "mailto:[EMAIL]")
        self.assertEqual(mask('{"email": "bob@acme.com"}'), '{"email": "[EMAIL]"}')

    def test_not_addresses(self):
        for text in [
            "@app.get('/items')",
            "\n@pytest.mark.parametrize",
            "uses: actions/checkout@v4",
            "npm i react@18.2.0",
            "pip install django@4.2",
            "docker pull nginx@sha256:0123abcd",
            "git clone git@github.com:acme/api.git",
            "postgres://admin:hunter2@db.internal.example.com:5432/app",
            "https://user@github.com/acme/api",
            "ssh deploy@prod.example.com",
            "ssh -i key.pem ubuntu@ec2.example.com",
            "icons/logo@2x.png",
            "y = a@np.linalg.inv(b)",
            "@scope/package",
            "a @ b.T",
        ]:
            with self.subTest(text=text):
                self.assertEqual(mask(text), text)

    def test_allow_domains(self):
        out = mask("a@example.com b@mail.example.com c@acme.com", allow_domains=["example.com"])
        self.assertEqual(out, "a@example.com b@mail.example.com [EMAIL]")
        # a lookalike is not a subdomain
        self.assertEqual(mask("x@notexample.com", allow_domains=["example.com"]), "[EMAIL]")

    def test_off_and_custom_token(self):
        self.assertEqual(mask("bob@acme.com", mask_emails=False), "bob@acme.com")
        self.assertEqual(mask("bob@acme.com", email_token="<email>"), "<email>")


class Phones(unittest.TestCase):
    def test_international(self):
        for num in [
            "+44 20 7946 0958",
            "+44 (0)20 7946 0958",
            "+1 (415) 555-0132",
            "+1-415-555-0132",
            "+49 30 1234-5678",
            "+49 151 23456789",
            "+33 1 23 45 67 89",
            "+33.1.23.45.67.89",
            "+91 98765 43210",
            "+447700900123",
            "0044 20 7946 0958",
            "+55 (11) 91234-5678",
        ]:
            with self.subTest(num=num):
                self.assertEqual(mask(f"call {num} today"), "call [PHONE] today")

    def test_national(self):
        for num in [
            "(415) 555-0132",
            "415-555-0132",
            "415.555.0132",
            "415 555 0132",
            "1-800-555-0199",
            "020 7946 0958",
            "07700 900123",
            "030 12345678",
            "0151 23456789",
            "01 23 45 67 89",
            "06.12.34.56.78",
            "(030) 1234567",
            "030/1234567",
            "06-12345678",
        ]:
            with self.subTest(num=num):
                self.assertEqual(mask(f"reach me at {num}."), "reach me at [PHONE].")

    def test_bare_digits_need_a_phone_word(self):
        self.assertEqual(mask("Tel: 07700900123"), "Tel: [PHONE]")
        self.assertEqual(mask("phone=4155550132"), "phone=[PHONE]")
        self.assertEqual(mask("call me on 4155550132"), "call me on [PHONE]")
        self.assertEqual(mask("Mobile no. 9876543210"), "Mobile no. [PHONE]")
        self.assertEqual(mask("order 0764961694404 shipped"), "order 0764961694404 shipped")
        self.assertEqual(mask("user id 4155550132"), "user id 4155550132")

    def test_not_phones(self):
        for text in [
            "2024-09-29T00:01:57Z",
            "2024-05-02T10:14:07.123-05:00",
            "on 29.09.2024 and 01/02/2024",
            "released 2024-09-29, see 2012-10-17",
            "version 10.0.19045.3693",
            "v1.2.3 and 0.10.2 and 3.11.7",
            "ip 10.0.0.12 and 192.168.100.200",
            "host 10.0.0.12 3999",
            "span-000108 and span-000001",
            "id 123e4567-e89b-12d3-a456-426614174000",
            "sha 95984e9bbd0e6866c074423c99d32ab43a6b2f0a",
            "about 30,000,000 rows and 1,200,000 more",
            "latency 33.523290 ms, 0.000123 s",
            "p99 688 (-0.8%) vs 304 (25.2%)",
            "card 4111 1111 1111 1111",
            "ISBN 978-3-16-148410-0",
            "port 127.0.0.1:8080",
            "range 100-200-3000",
            "/api/v2/users/415-555-0132",
            "file_415-555-0132.txt",
            "$1,234,567.89",
            "0x7fff5fbff8a0",
            "Ubuntu 22.04 with 16 GiB",
            "timeout 1000 ms, 50_000_000 fuel",
            "coords 52.520008, 13.404954",
            "12:30:45 to 13:45:00",
        ]:
            with self.subTest(text=text):
                self.assertEqual(mask(text), text)

    def test_off_and_custom_token(self):
        self.assertEqual(mask("+44 20 7946 0958", mask_phones=False), "+44 20 7946 0958")
        self.assertEqual(mask("+44 20 7946 0958", phone_token="<tel>"), "<tel>")


class Mixed(unittest.TestCase):
    def test_email_with_digits_is_one_email(self):
        self.assertEqual(mask("4155550132@txt.att.net"), "[EMAIL]")

    def test_idempotent(self):
        text = "Contact jane@acme.com or +44 20 7946 0958 / (415) 555-0132."
        once = mask(text)
        self.assertEqual(once, "Contact [EMAIL] or [PHONE] / [PHONE].")
        self.assertEqual(mask(once), once)

    def test_unicode_text(self):
        self.assertEqual(mask("Grüße — jürgen@acme.de, Tel. 030 12345678 ✓"), "Grüße — [EMAIL], Tel. [PHONE] ✓")


class Spans(unittest.TestCase):
    def span(self, **kw):
        base = {
            "id": "s1",
            "who": "user:ana",
            "did": "ask_question",
            "this": "Email me at ana@acme.com",
            "when": "2024-09-29T00:00:00Z",
            "if_ok": "Sure, or call +1 415 555 0132.",
            "if_not": None,
            "context": json.dumps(
                {
                    "thread_id": "t-4155550132",
                    "previous_spans": ["415-555-0132"],
                    "user": {"email": "ana@acme.com", "phones": ["020 7946 0958", "n/a"]},
                    "n": 3,
                }
            ),
            "metadata": None,
            "extra": "{}",
        }
        base.update(kw)
        return base

    def test_fields_and_reports(self):
        out, reports = Masker().mask_span(self.span())
        self.assertEqual(out["this"], "Email me at [EMAIL]")
        self.assertEqual(out["if_ok"], "Sure, or call [PHONE].")
        ctx = json.loads(out["context"])
        self.assertEqual(ctx["user"], {"email": "[EMAIL]", "phones": ["[PHONE]", "n/a"]})
        self.assertEqual(ctx["thread_id"], "t-4155550132")
        self.assertEqual(ctx["previous_spans"], ["415-555-0132"])  # ids are left alone
        self.assertEqual(ctx["n"], 3)
        locs = [r.location for r in reports]
        self.assertEqual(locs, ["this", "if_ok", "context.user.email", "context.user.phones[0]"])
        self.assertEqual(reports[0].description(), "masked 1 e-mail address")
        # The snippets never hold the masked text.
        for r in reports:
            self.assertNotIn("acme.com", r.before + r.after)
            self.assertNotIn("555", r.before + r.after)
        self.assertEqual(reports[0].before, "Email me at ‹email, 12 chars›")
        self.assertEqual(reports[0].after, "Email me at [EMAIL]")

    def test_untouched_span_reports_nothing(self):
        span = self.span(this="nothing here", if_ok="v1.2.3 on 2024-01-01", context=None)
        out, reports = Masker().mask_span(span)
        self.assertEqual(reports, [])
        self.assertEqual(out, span)

    def test_fields_config(self):
        out, reports = Masker(Config.from_dict({"fields": ["if_ok"]})).mask_span(self.span())
        self.assertEqual(out["this"], "Email me at ana@acme.com")
        self.assertEqual([r.location for r in reports], ["if_ok"])

    def test_odd_keys_are_quoted(self):
        span = self.span(this="", if_ok=None, context=None, metadata=json.dumps({"e mail": "a@acme.com"}))
        _, reports = Masker().mask_span(span)
        self.assertEqual(reports[0].location, 'metadata["e mail"]')

    def test_description_counts_both_kinds(self):
        _, reports = Masker().mask_span(self.span(this="a@acme.com, b@acme.com, +44 20 7946 0958", if_ok=None, context=None))
        self.assertEqual(reports[0].description(), "masked 2 e-mail addresses and 1 phone number")


class Configs(unittest.TestCase):
    def test_defaults(self):
        cfg = Config.from_json("")
        self.assertTrue(cfg.mask_emails and cfg.mask_phones)
        self.assertEqual((cfg.email_token, cfg.phone_token), ("[EMAIL]", "[PHONE]"))

    def test_unknown_key_is_named(self):
        with self.assertRaises(ConfigError) as e:
            Config.from_json('{"mask_email": true}')
        self.assertIn("`mask_email`", str(e.exception))

    def test_bad_values(self):
        for text in [
            '{"mask_phones": "yes"}',
            '{"email_token": ""}',
            '{"allow_domains": "example.com"}',
            '{"fields": ["who"]}',
            "[1, 2]",
            "{not json",
        ]:
            with self.subTest(text=text):
                with self.assertRaises(ConfigError):
                    Config.from_json(text)

    def test_allow_domains_normalised(self):
        self.assertEqual(Config.from_json('{"allow_domains": ["@Example.COM"]}').allow_domains, ["example.com"])


if __name__ == "__main__":
    unittest.main()
