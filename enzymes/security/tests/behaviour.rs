//! Behaviour of the enzyme as the host sees it: fields, logs, changes,
//! config, idempotence.

mod common;

use common::{Rng, generate, instantiate};
use enzyme_security::Security;
use logline_sdk::testing::{self, MockHost, span};
use logline_sdk::{ErrorKind, Outcome, Span, Value, json};

use common::corpus;

fn enzyme(config: &str) -> (Security, MockHost) {
    let host = MockHost::default().with_config(config);
    let e = testing::build::<Security>(&host).expect("config is valid");
    (e, host)
}

fn g(name: &str, seed: u64) -> String {
    generate(name, &mut Rng::new(seed))
}

/// Every string in a span, for "is this secret still anywhere?" checks.
fn all_text(s: &Span) -> String {
    let mut out = format!(
        "{}\n{}\n{}\n{}\n",
        s.this,
        s.response(),
        s.if_not.as_deref().unwrap_or(""),
        s.confirmed_by.as_deref().unwrap_or("")
    );
    for m in [&s.context, &s.metadata].into_iter().flatten() {
        out.push_str(&Value::Object(m.clone()).to_string());
    }
    out.push_str(&Value::Object(s.extra.clone()).to_string());
    out
}

#[test]
fn bearer_regression_keeps_the_word_and_removes_the_token() {
    let tok = g("tok", 1);
    let (e, host) = enzyme("{}");
    let s = span("s1").this(&format!("curl -H \"Authorization: Bearer {tok}\" https://api.example.com")).build();
    let run = testing::run(&e, s, &host).unwrap();
    let out = run.changed.expect("changed");
    assert_eq!(out.this, "curl -H \"Authorization: Bearer [REDACTED:bearer_token]\" https://api.example.com");
    assert!(!out.this.contains(&tok));
    // Not even a piece of it.
    for w in tok.as_bytes().windows(6) {
        assert!(!out.this.contains(std::str::from_utf8(w).unwrap()));
    }
}

#[test]
fn whole_secret_redacted_never_partial() {
    // For every corpus secret: no 8-character piece of it survives.
    let scanner = common::default_scanner();
    for (i, inst) in corpus::instances(7).iter().enumerate() {
        let out = scanner.redact(&inst.text, None).map(|(t, _)| t).unwrap_or_else(|| inst.text.clone());
        for secret in inst.secrets() {
            let chars: Vec<char> = secret.chars().collect();
            for w in chars.windows(8.min(chars.len())) {
                let piece: String = w.iter().collect();
                // Skip pieces that also occur in the surrounding text.
                if inst.text.matches(&piece).count() > 1 {
                    continue;
                }
                assert!(!out.contains(&piece), "case {i}: piece {piece:?} of a secret survived in {out:?}");
            }
        }
    }
}

#[test]
fn surrounding_text_is_kept_exactly() {
    let pw = g("pw", 3);
    let (e, host) = enzyme("{}");
    let s = span("s").this(&format!("config = {{\"password\": \"{pw}\", \"host\": 'db'}}\n")).build();
    let out = testing::run(&e, s, &host).unwrap().changed.unwrap();
    assert_eq!(out.this, "config = {\"password\": \"[REDACTED:password]\", \"host\": 'db'}\n");
}

#[test]
fn idempotent_on_the_whole_corpus() {
    let scanner = common::default_scanner();
    for (i, inst) in corpus::instances(3).iter().enumerate() {
        if let Some((once, _)) = scanner.redact(&inst.text, None) {
            let again = scanner.redact(&once, None);
            assert!(again.is_none(), "case {i}: second pass changed {once:?} into {:?}", again.map(|a| a.0));
        }
    }
}

#[test]
fn idempotent_through_the_enzyme_with_a_custom_marker() {
    let (e, host) = enzyme(r#"{"redact_with": "<<secret:{kind}>>"}"#);
    let s = span("s")
        .this(&format!("DB_PASSWORD={}\nexport GITHUB_TOKEN={}", g("pw", 1), g("ghp", 2)))
        .if_ok(&format!("token = \"{}\"", g("tok", 3)))
        .build();
    let once = testing::run(&e, s, &host).unwrap().changed.unwrap();
    assert_eq!(once.this, "DB_PASSWORD=<<secret:password>>\nexport GITHUB_TOKEN=<<secret:github_pat>>");
    assert_eq!(once.response(), "token = \"<<secret:token>>\"");
    let twice = testing::run(&e, once, &host).unwrap();
    assert!(twice.changed.is_none() && twice.changes.is_empty());
}

#[test]
fn already_redacted_markers_are_left_alone() {
    let (e, host) = enzyme("{}");
    let text = "password = \"[REDACTED:password]\"\nAuthorization: Bearer [REDACTED:jwt]\npostgres://u:[REDACTED:url_password]@db/x";
    let run = testing::run(&e, span("s").this(text).build(), &host).unwrap();
    assert!(run.changed.is_none(), "{:?}", run.changed);
}

#[test]
fn every_text_field_and_nested_strings_are_scanned() {
    let (pw, ghp, jwt, tok, sk, hex) =
        (g("pw", 1), g("ghp", 2), g("jwt", 3), g("tok", 4), g("sklive", 5), g("hex32", 6));
    let s = span("s-nested")
        .who(&ghp) // who/did/when/id are never touched
        .this(&format!("why does DB_PASSWORD={pw} fail?"))
        .if_ok(&format!("Use Bearer {jwt}"))
        .if_not(&format!("export GITHUB_TOKEN={ghp}"))
        .context(json!({
            "environment": "prod",
            "thread_id": ghp,
            "notes": ["nothing here", format!("token={tok}"), {"deep": [format!("stripe {sk}")]}],
        }))
        .metadata(json!({"quality_score": 91, "db": {"password": pw, "host": "db"}, "api_key": hex}))
        .extra("raw", json!({"headers": [format!("Authorization: Bearer {tok}")]}))
        .build();
    let mut s = s;
    s.confirmed_by = Some(format!("reviewer saw {sk}"));
    let (e, host) = enzyme("{}");
    let run = testing::run(&e, s.clone(), &host).unwrap();
    assert_eq!(run.outcome, Outcome::Keep);
    let out = run.changed.unwrap();
    assert_eq!(out.who, ghp, "who is not a text field");
    assert_eq!(out.context.as_ref().unwrap()["thread_id"], json!(ghp), "thread_id is an id");
    assert_eq!(out.this, "why does DB_PASSWORD=[REDACTED:password] fail?");
    assert_eq!(out.response(), "Use Bearer [REDACTED:jwt]");
    assert_eq!(out.if_not.as_deref(), Some("export GITHUB_TOKEN=[REDACTED:github_pat]"));
    assert_eq!(out.confirmed_by.as_deref(), Some("reviewer saw [REDACTED:stripe_secret_key]"));
    let ctx = out.context.as_ref().unwrap();
    assert_eq!(ctx["notes"][1], json!("token=[REDACTED:token]"));
    assert_eq!(ctx["notes"][2]["deep"][0], json!("stripe [REDACTED:stripe_secret_key]"));
    assert_eq!(ctx["environment"], json!("prod"));
    let meta = out.metadata.as_ref().unwrap();
    assert_eq!(meta["db"]["password"], json!("[REDACTED:password]"), "value under a password key");
    assert_eq!(meta["api_key"], json!("[REDACTED:api_key]"));
    assert_eq!(meta["quality_score"], json!(91));
    assert_eq!(out.extra["raw"]["headers"][0], json!("Authorization: Bearer [REDACTED:bearer_token]"));

    let locations: Vec<&str> = run.changes.iter().map(|c| c.location.as_str()).collect();
    assert_eq!(
        locations,
        [
            "this",
            "if_ok",
            "if_not",
            "confirmed_by",
            "context.notes[1]",
            "context.notes[2].deep[0]",
            "metadata.db.password",
            "metadata.api_key",
            "raw.headers[0]"
        ]
    );
    for c in &run.changes {
        assert_eq!(c.kind, logline_sdk::ChangeKind::Modification);
        assert!(c.description.starts_with("redacted 1 secret: "), "{}", c.description);
    }
    // One log line per finding, with kind, field and position.
    let logs = host.logs.borrow();
    assert_eq!(logs.len(), 9);
    assert!(logs.iter().any(|(_, m)| m == "redacted password in this at bytes 21..21"
        || m.starts_with("redacted password in this at bytes ")));
}

#[test]
fn no_secret_reaches_logs_or_changes() {
    let (e, host) = enzyme("{}");
    let mut secrets = Vec::new();
    let mut text = String::new();
    for (i, inst) in corpus::instances(11).iter().enumerate().take(140) {
        text.push_str(&inst.text);
        text.push_str("\n\n");
        secrets.extend(inst.secrets().map(str::to_string));
        let _ = i;
    }
    let s = span("s").this(&text).if_ok(&text).context(json!({"copy": text})).build();
    let run = testing::run(&e, s, &host).unwrap();
    let out = run.changed.unwrap();
    let mut published = String::new();
    for c in &run.changes {
        published.push_str(&format!("{} {} {:?} {:?}\n", c.location, c.description, c.before, c.after));
    }
    for (_, m) in host.logs.borrow().iter() {
        published.push_str(m);
        published.push('\n');
    }
    let everything = format!("{published}\n{}", all_text(&out));
    for secret in &secrets {
        assert!(!everything.contains(secret.as_str()), "a secret leaked");
    }
    assert!(run.changes.iter().all(|c| c.before.is_some() && c.after.is_some()));
}

#[test]
fn snippets_describe_the_secret_without_it() {
    let (e, host) = enzyme("{}");
    let ghp = g("ghp", 9);
    let run = testing::run(&e, span("s").this(&format!("export GITHUB_TOKEN={ghp}")).build(), &host).unwrap();
    let c = &run.changes[0];
    assert_eq!(c.location, "this");
    assert_eq!(c.description, "redacted 1 secret: github_pat ×1");
    assert_eq!(c.before.as_deref(), Some("export GITHUB_TOKEN=‹github_pat, 40 chars›"));
    assert_eq!(c.after.as_deref(), Some("export GITHUB_TOKEN=[REDACTED:github_pat]"));
}

#[test]
fn unchanged_span_reports_nothing() {
    let (e, host) = enzyme("{}");
    let s =
        span("s").this("How do I reset my password in Django?").if_ok("Use `manage.py changepassword <user>`.").build();
    let run = testing::run(&e, s, &host).unwrap();
    assert!(run.changed.is_none() && run.changes.is_empty() && host.logs.borrow().is_empty());
}

#[test]
fn config_unknown_key_is_an_error_naming_it() {
    let host = MockHost::default().with_config(r#"{"redact_width": "x"}"#);
    let err = testing::build::<Security>(&host).err().expect("unknown key");
    assert_eq!(err.kind, ErrorKind::InvalidConfig);
    assert!(err.message.contains("redact_width"), "{}", err.message);
}

#[test]
fn config_values_are_validated() {
    for (cfg, needle) in [
        (r#"{"kinds": ["github_pat", "gihub_pat"]}"#, "gihub_pat"),
        (r#"{"kinds": []}"#, "kinds"),
        (r#"{"allow": ["re:(unclosed"]}"#, "allow"),
        (r#"{"allow": [""]}"#, "allow"),
        (r#"{"min_secret_len": 0}"#, "min_secret_len"),
        (r#"{"entropy_threshold": 9.5}"#, "entropy_threshold"),
        (r#"{"redact_with": ""}"#, "redact_with"),
        (r#"{"min_secret_len": "six"}"#, "invalid type"),
    ] {
        let host = MockHost::default().with_config(cfg);
        let err = testing::build::<Security>(&host).err().unwrap_or_else(|| panic!("{cfg} accepted"));
        assert_eq!(err.kind, ErrorKind::InvalidConfig);
        assert!(err.message.contains(needle), "{cfg}: {}", err.message);
    }
    // All keys at once, valid.
    enzyme(
        r#"{"redact_with": "***", "allow": ["x"], "default_allow": false, "kinds": ["password"], "entropy_threshold": 3.5, "min_secret_len": 8}"#,
    );
}

#[test]
fn allow_list_literals_and_regexes() {
    let pw = g("pw", 4);
    let ghp = g("ghp", 5);
    let text = format!("DB_PASSWORD={pw}\nGITHUB_TOKEN={ghp}\nOTHER_TOKEN={}", g("ghp", 6));
    let cfg = format!(r#"{{"allow": ["{pw}", "re:^ghp_{}"]}}"#, &ghp[4..12]);
    let (e, host) = enzyme(&cfg);
    let out = testing::run(&e, span("s").this(&text).build(), &host).unwrap().changed.unwrap();
    assert!(out.this.contains(&pw) && out.this.contains(&ghp));
    assert!(out.this.ends_with("OTHER_TOKEN=[REDACTED:github_pat]"));
}

#[test]
fn documented_examples_are_allowed_by_default_and_can_be_disallowed() {
    let text =
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let (e, host) = enzyme("{}");
    assert!(testing::run(&e, span("s").this(text).build(), &host).unwrap().changed.is_none());
    let (e, host) = enzyme(r#"{"default_allow": false}"#);
    let out = testing::run(&e, span("s").this(text).build(), &host).unwrap().changed.unwrap();
    assert_eq!(
        out.this,
        "aws_access_key_id = [REDACTED:aws_access_key_id]\naws_secret_access_key = [REDACTED:aws_secret_access_key]"
    );
}

#[test]
fn kinds_restricts_detection() {
    let text = format!("DB_PASSWORD={}\nexport GITHUB_TOKEN={}", g("pw", 1), g("ghp", 2));
    let (e, host) = enzyme(r#"{"kinds": ["github_pat"]}"#);
    let out = testing::run(&e, span("s").this(&text).build(), &host).unwrap().changed.unwrap();
    assert!(out.this.starts_with("DB_PASSWORD=") && !out.this.starts_with("DB_PASSWORD=[REDACTED"));
    assert!(out.this.ends_with("GITHUB_TOKEN=[REDACTED:github_pat]"));
}

#[test]
fn min_secret_len_and_entropy_threshold_apply() {
    let (e, host) = enzyme(r#"{"min_secret_len": 20}"#);
    let run = testing::run(&e, span("s").this("password = \"hunter22xyz\"").build(), &host).unwrap();
    assert!(run.changed.is_none());
    let tok = g("tok", 8);
    let (e, host) = enzyme(r#"{"entropy_threshold": 7.9}"#);
    let run = testing::run(&e, span("s").this(&format!("Use the API key {tok} for staging.")).build(), &host).unwrap();
    assert!(run.changed.is_none(), "entropy threshold above any real string disables the heuristic");
}

#[test]
fn overlapping_matches_longest_most_specific_wins() {
    let scanner = common::default_scanner();
    // A GitHub token used as a URL password: one redaction, the specific kind.
    let inst = instantiate("https://x-access-token:⟦ghs:github_app_token⟧@github.com/a/b.git", 1);
    let (out, found) = scanner.redact(&inst.text, None).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(out, "https://x-access-token:[REDACTED:github_app_token]@github.com/a/b.git");
    // A PEM key inside a JSON private_key value: the whole escaped block goes.
    let inst = instantiate("{\"private_key\": \"⟦pemesc:gcp_service_account⟧\"}", 2);
    let (out, _) = scanner.redact(&inst.text, None).unwrap();
    assert_eq!(out, "{\"private_key\": \"[REDACTED:gcp_service_account]\"}");
}

#[test]
fn non_ascii_text_is_safe() {
    let pw = g("pw", 12);
    let (e, host) = enzyme("{}");
    let text = format!("Olá! A configuração é: DB_PASSWORD={pw} — não partilhe 🙏 token: ünïcødé");
    let out = testing::run(&e, span("s").this(&text).build(), &host).unwrap().changed.unwrap();
    assert_eq!(out.this, "Olá! A configuração é: DB_PASSWORD=[REDACTED:password] — não partilhe 🙏 token: ünïcødé");
}

#[test]
fn readme_documents_every_kind_and_config_key() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for k in enzyme_security::Kind::ALL {
        assert!(readme.contains(&format!("| `{}` |", k.name())), "README lacks kind {}", k.name());
    }
    for key in ["redact_with", "allow", "default_allow", "kinds", "entropy_threshold", "min_secret_len"] {
        assert!(readme.contains(&format!("| `{key}` |")), "README lacks config key {key}");
    }
    assert!(enzyme_security::Kind::ALL.len() >= 30);
}

#[test]
fn long_lines_and_long_tokens_are_whole() {
    let scanner = common::default_scanner();
    // A 6 KB JWT in the middle of a 20 KB minified JSON line.
    let mut r = Rng::new(5);
    let header = common::b64_encode(br#"{"alg":"RS256","typ":"JWT"}"#, true);
    let claims = format!(r#"{{"sub":"1","roles":"{}"}}"#, r.pick(common::ALNUM, 4500));
    let jwt = format!("{header}.{}.{}", common::b64_encode(claims.as_bytes(), true), r.pick(common::B64URL, 342));
    let filler = "{\"k\":\"v\"},".repeat(700);
    let text = format!("[{filler}{{\"id_token\":\"{jwt}\"}},{filler}]");
    let (out, found) = scanner.redact(&text, None).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(out, format!("[{filler}{{\"id_token\":\"[REDACTED:jwt]\"}},{filler}]"));
}
