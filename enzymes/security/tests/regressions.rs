//! One test per defect found on real commit histories (the enzyme redacted
//! code and missed real-format secrets), and per policy decision in the
//! README ("Only literals", "Test credentials", "Identifiers").

mod common;

use common::formats::{an, putty};
use common::{Rng, default_scanner, generate, scanner_with};

fn redacted(text: &str) -> String {
    default_scanner().redact(text, None).map_or_else(|| text.to_string(), |(out, _)| out)
}

fn assert_untouched(text: &str) {
    let found = default_scanner().find(text, None);
    let shown: Vec<(&str, &str)> = found.iter().map(|f| (f.kind.name(), &text[f.start..f.end])).collect();
    assert!(found.is_empty(), "redacted {shown:?} in {text:?}");
}

fn g(name: &str, seed: u64) -> String {
    generate(name, &mut Rng::new(seed))
}

// ---- code that was redacted ---------------------------------------------------

#[test]
fn password_str_call_is_not_redacted() {
    assert_untouched("def login(password):\n    password = str(password)\n    return check(password)\n");
    assert_untouched("    password = str(password)");
}

#[test]
fn header_split_is_not_redacted() {
    assert_untouched("tokens = header.split(';')");
    assert_untouched("const tokens = header.split(';').map(t => t.trim());");
}

#[test]
fn quote_macro_is_not_redacted() {
    assert_untouched("let tokens = quote! {\n    impl #name {}\n};");
    assert_untouched("let token = quote! { #ident };");
}

#[test]
fn token_literal_pattern_is_not_redacted() {
    assert_untouched("if let Some(&Token::Literal(..)) = tokens.peek() {\n    parse(tokens)\n}");
    assert_untouched(
        "match tokens.next() {\n    Some(&Token::Literal(ref lit)) => lit.clone(),\n    _ => unreachable!(),\n}",
    );
}

#[test]
fn env_var_lookup_is_not_redacted() {
    assert_untouched("let secret = std::env::var(\"JWT_SECRET\").expect(\"set JWT_SECRET\");");
    assert_untouched("password = os.environ[\"DB_PASSWORD\"]");
    assert_untouched("const token = process.env.GITHUB_TOKEN;");
    assert_untouched("char *pw = getenv(\"PASSWORD\");\nString token = System.getenv(\"TOKEN\");");
}

#[test]
fn settings_reference_is_not_redacted() {
    assert_untouched("secret_key=settings.SECRET_KEY");
    assert_untouched("app = create_app(secret_key=settings.SECRET_KEY, debug=False)");
    assert_untouched("password = config.password");
}

/// serde's test suite: `Token::Struct { … }` lines at the start of a line
/// parsed as `key: value` with the key `Token`.
#[test]
fn rust_token_path_is_not_redacted() {
    assert_untouched(
        "        &[\n            Token::Struct { name: \"S\", len: 1 },\n            Token::Str(\"a\"),\n            Token::StructEnd,\n        ],",
    );
    assert_untouched(
        "-            Token::Struct { name: \"DefaultStruct\", len: 1 },\n+            Token::Struct { name: \"DefaultStruct\", len: 3 },",
    );
}

#[test]
fn token_slice_parameter_is_not_redacted() {
    assert_untouched("pub fn assert_ser_tokens<T>(value: &T, tokens: &[Token])");
}

#[test]
fn getpwuid_call_is_not_redacted() {
    assert_untouched("    struct passwd* pwd = getpwuid(getuid());");
}

/// jq's build script: `$ORIG_PWD/build/ios/$arch` was taken for a random
/// word after the keyword `PWD`.
#[test]
fn shell_variable_paths_are_not_redacted() {
    assert_untouched(
        "CC=$CC ./configure --prefix=$ORIG_PWD/build/ios/$arch --with-oniguruma=$ORIG_PWD/build/ios/$arch",
    );
    assert_untouched("lipo -create -output $ORIG_PWD/build/ios/libjq.a $ORIG_PWD/build/ios/{i386,arm64}/lib/libjq.a");
    assert_untouched("rm -rf $PWD/build/ios oniguruma-5.9.6");
}

/// Flask's config examples: words are not credential-shaped.
#[test]
fn plain_word_secret_key_is_not_redacted() {
    assert_untouched("{\n    \"SECRET_KEY\": \"devkey\"\n}");
    assert_untouched("app.config.from_mapping(SECRET_KEY=\"config\")");
    assert_untouched("TOKEN_HEADER = \"Authorization\"");
}

#[test]
fn identifier_values_are_not_redacted() {
    assert_untouched("password = user_password_2");
    assert_untouched("secret = SECRET_KEY_V2");
    assert_untouched("cfg := Config{\n\tPassword: password,\n\tToken:    tok,\n}");
}

#[test]
fn pem_constants_in_code_are_not_redacted() {
    assert_untouched(
        "PEM_HEADER = \"-----BEGIN RSA PRIVATE KEY-----\"\nPEM_FOOTER = \"-----END RSA PRIVATE KEY-----\"",
    );
    assert_untouched("if line.startswith(\"-----BEGIN PRIVATE KEY-----\"):\n    in_key = True");
}

// ---- literals: what is redacted, and how ---------------------------------------

#[test]
fn quoted_secret_keeps_its_quotes() {
    let pw = g("pw", 1);
    assert_eq!(redacted(&format!("password = \"{pw}\"")), "password = \"[REDACTED:password]\"");
    assert_eq!(redacted(&format!("let api_key = '{pw}';")), "let api_key = '[REDACTED:api_key]';");
    let tok = an(&mut Rng::new(2), 32);
    assert_eq!(
        redacted(&format!("public const string ApiKey = @\"{tok}\";")),
        "public const string ApiKey = @\"[REDACTED:api_key]\";"
    );
}

#[test]
fn config_values_are_redacted() {
    let pw = g("pw", 3);
    assert_eq!(redacted(&format!("DB_PASSWORD={pw}\n")), "DB_PASSWORD=[REDACTED:password]\n");
    assert_eq!(redacted(&format!("db:\n  password: {pw}\n")), "db:\n  password: [REDACTED:password]\n");
    assert_eq!(redacted(&format!("[db]\npassword = {pw}\n")), "[db]\npassword = [REDACTED:password]\n");
    // A `;` or `&` inside a .env value does not cut it.
    assert_eq!(redacted("API_TOKEN=q8Zr2;LmX0&pKd7Vn4\n"), "API_TOKEN=[REDACTED:token]\n");
}

#[test]
fn terraform_variable_default_is_redacted() {
    let tok = an(&mut Rng::new(4), 40);
    let text = format!("variable \"cloudflare_api_token\" {{\n  type    = string\n  default = \"{tok}\"\n}}\n");
    assert!(redacted(&text).contains("default = \"[REDACTED:cloudflare_api_key]\""), "{}", redacted(&text));
}

#[test]
fn kubernetes_env_value_is_redacted() {
    let pw = g("pw", 5);
    let text = format!("env:\n  - name: DB_PASSWORD\n    value: \"{pw}\"\n  - name: LOG_LEVEL\n    value: debug\n");
    let out = redacted(&text);
    assert!(out.contains("value: \"[REDACTED:password]\"") && out.contains("value: debug"), "{out}");
}

#[test]
fn kubernetes_secret_data_is_redacted() {
    let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ceph\ndata:\n  key: QVFEQ1pMdFhPUnQrSmhBQUFYaERWNHJsZ3BsMmNjcDR6RFZST0E9PQ==\n";
    assert!(redacted(text).ends_with("data:\n  key: [REDACTED:kubernetes_secret]\n"), "{}", redacted(text));
}

#[test]
fn code_still_parses_after_redaction() {
    let (pw, tok, ghp) = (g("pw", 6), g("tok", 7), g("ghp", 8));
    let code = format!(
        "import os\n\nDB = {{\"user\": \"app\", \"password\": \"{pw}\"}}\nAPI_TOKEN = '{tok}'\n\ndef client(token=os.environ.get(\"T\")):\n    headers = {{\"Authorization\": f\"token {ghp}\"}}\n    return Client(token=token, headers=headers)\n"
    );
    let out = redacted(&code);
    // Same brackets and quotes, in the same order, once markers are removed.
    let shape = |s: &str| -> String {
        let s = regex::Regex::new(r"\[REDACTED:[a-z0-9_]+\]").unwrap().replace_all(s, "");
        s.chars().filter(|c| "()[]{}\"',:=".contains(*c)).collect()
    };
    let mut plain = code.clone();
    for secret in [&pw, &tok, &ghp] {
        plain = plain.replace(secret.as_str(), "");
    }
    assert_eq!(shape(&out), shape(&plain), "{out}");
    assert!(!out.contains(&pw) && !out.contains(&tok) && !out.contains(&ghp), "{out}");
}

// ---- secrets that passed through -----------------------------------------------

#[test]
fn putty_private_key_is_redacted() {
    let key = putty(&mut Rng::new(9));
    let out = redacted(&format!("Here is my key:\n\n{key}\n\nWhat is wrong with it?"));
    assert_eq!(out, "Here is my key:\n\n[REDACTED:putty_private_key]\n\nWhat is wrong with it?");
}

#[test]
fn putty_v3_encrypted_and_escaped_keys_are_redacted() {
    let mut r = Rng::new(10);
    for _ in 0..12 {
        let key = putty(&mut r);
        let escaped = key.replace('\n', "\\n");
        assert_eq!(redacted(&format!("{{\"ppk\": \"{escaped}\"}}")), "{\"ppk\": \"[REDACTED:putty_private_key]\"}");
        let diff: String = key.lines().map(|l| format!("+{l}\n")).collect();
        assert_eq!(redacted(&diff), "+[REDACTED:putty_private_key]\n", "{diff}");
    }
}

#[test]
fn putty_public_part_alone_is_kept() {
    assert_untouched(
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIBxk0\n",
    );
}

#[test]
fn provider_tokens_are_redacted() {
    let mut r = Rng::new(11);
    let hex = |r: &mut Rng, n| r.pick("0123456789abcdef", n);
    for (text, kind) in [
        (format!("DATABRICKS_TOKEN=dapi{}", hex(&mut r, 32)), "databricks_token"),
        (format!("export FLY_API_TOKEN=fo1_{}", an(&mut r, 43)), "flyio_token"),
        (format!("VAULT_TOKEN=hvs.{}", an(&mut r, 95)), "vault_token"),
        (format!("PULUMI_ACCESS_TOKEN=pul-{}", hex(&mut r, 40)), "pulumi_token"),
        (format!("token: glsa_{}_{}", an(&mut r, 32), hex(&mut r, 8)), "grafana_token"),
        (format!("DD_API_KEY={}", hex(&mut r, 32)), "datadog_api_key"),
        (format!("{{\"twitter_consumer_secret\": \"{}\"}}", an(&mut r, 50)), "twitter_token"),
    ] {
        let found = default_scanner().find(&text, None);
        assert!(found.len() == 1 && found[0].kind.name() == kind, "{text}: {found:?}");
    }
}

#[test]
fn provider_shape_alone_is_not_a_secret() {
    let mut r = Rng::new(12);
    // 32 hex beside a Datadog key is a key; beside a checksum it is not.
    assert_untouched(&format!("checksum = \"{}\"", r.pick("0123456789abcdef", 32)));
    assert_untouched(&format!("DISCORD_CLIENT_ID={}", r.pick("0123456789", 18)));
}

// ---- policy: test credentials and identifiers -----------------------------------

#[test]
fn local_test_credentials_are_kept() {
    for text in [
        "postgres://user:pass@localhost:5432/db",
        "DATABASE_URL=postgres://postgres:postgres@localhost:5432/test",
        "curl http://admin:admin@127.0.0.1:8080/api",
        "REDIS_URL=redis://:password@localhost:6379/0",
        "amqp://guest:guest@localhost:5672//",
        "https://myacct:mypass@localhost:4430",
        "postgresql://flask:devpass1@localhost/flask_test",
    ] {
        assert_untouched(text);
    }
}

#[test]
fn real_url_passwords_are_redacted() {
    let pw = g("pw", 13);
    assert_eq!(
        redacted("postgres://app:sunshine@db.prod.internal/app"),
        "postgres://app:[REDACTED:url_password]@db.prod.internal/app"
    );
    // A generated password on a loopback host may be a tunnel to production.
    assert_eq!(
        redacted(&format!("psql postgres://app:{pw}@127.0.0.1:5433/orders")),
        "psql postgres://app:[REDACTED:url_password]@127.0.0.1:5433/orders"
    );
}

#[test]
fn twilio_account_sid_is_kept_by_default() {
    let sid = format!("AC{}", Rng::new(14).pick("0123456789abcdef", 32));
    assert_untouched(&format!("TWILIO_ACCOUNT_SID={sid}"));
    let tok = Rng::new(15).pick("0123456789abcdef", 32);
    assert_eq!(
        redacted(&format!("TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN={tok}")),
        format!("TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN=[REDACTED:twilio_auth_token]")
    );
}

#[test]
fn twilio_account_sid_can_be_enabled() {
    let sid = format!("AC{}", Rng::new(16).pick("0123456789abcdef", 32));
    let scanner = scanner_with(r#"{"kinds": ["twilio_account_sid", "twilio_auth_token"]}"#);
    let (out, _) = scanner.redact(&format!("TWILIO_ACCOUNT_SID={sid}"), None).expect("enabled");
    assert_eq!(out, "TWILIO_ACCOUNT_SID=[REDACTED:twilio_account_sid]");
}

#[test]
fn account_ids_and_client_ids_are_kept() {
    assert_untouched("aws_account_id = \"123456789012\"\narn:aws:iam::123456789012:role/deploy");
    assert_untouched("GOOGLE_CLIENT_ID=123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com");
    assert_untouched("GITHUB_CLIENT_ID=Iv1.8a61f9b3a7aba766");
    assert_untouched("\"client_id\": \"q8Zr2LmX0pKd7Vn4Tb9W\"");
}
