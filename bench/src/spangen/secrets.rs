//! Fake secrets (bodies drawn from the PRNG, never real keys) in the shapes
//! they take in real data, and look-alike decoys that are NOT secrets.

use super::code::Lang;
use super::rng::{ALNUM, B64, B64URL, HEX, LOWER_NUM, Rng};
use super::vocab::{DBUSERS, FIRST_NAMES, Vars};

/// Kinds of planted secrets (names used in `--stats`).
pub const SECRET_KINDS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "github_token",
    "gitlab_token",
    "npm_token",
    "pypi_token",
    "slack_token",
    "slack_webhook",
    "stripe_key",
    "openai_key",
    "anthropic_key",
    "twilio_api_key",
    "sendgrid_key",
    "gcp_api_key",
    "azure_storage_key",
    "jwt",
    "private_key",
    "connection_url_password",
    "bearer_token",
    "password_assignment",
    "secret_assignment",
];

/// Kinds of decoys: strings a careless detector might redact.
pub const DECOY_KINDS: &[&str] =
    &["uuid", "git_sha", "aws_example_key", "env_reference", "placeholder", "sha256_digest", "npm_integrity"];

/// A block of text carrying planted secrets (or decoys).
pub struct Planted {
    pub text: String,
    /// Code language of the block when it is code/config, `None` for prose.
    pub lang: Option<Lang>,
    /// What the block is, for framing sentences ("my .env file").
    pub what: &'static str,
    pub secrets: Vec<&'static str>,
    pub decoys: Vec<&'static str>,
}

// ------------------------------------------------------------------ values

pub fn aws_key_id(rng: &mut Rng) -> String {
    loop {
        let s = format!(
            "{}{}",
            rng.pick(&["AKIA", "AKIA", "AKIA", "ASIA"]),
            rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        );
        if !s.ends_with("EXAMPLE") {
            return s;
        }
    }
}

pub fn aws_secret(rng: &mut Rng) -> String {
    rng.string(B64, 40)
}

pub fn github_token(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => format!("github_pat_{}_{}", rng.string(ALNUM, 22), rng.string(ALNUM, 59)),
        1 => format!("gho_{}", rng.string(ALNUM, 36)),
        _ => format!("ghp_{}", rng.string(ALNUM, 36)),
    }
}

pub fn slack_token(rng: &mut Rng) -> String {
    let p = *rng.pick(&["xoxb", "xoxb", "xoxp"]);
    format!("{p}-{}-{}-{}", rng.string(b"0123456789", 11), rng.string(b"0123456789", 13), rng.string(ALNUM, 24))
}

pub fn stripe_key(rng: &mut Rng) -> String {
    let p = *rng.pick(&["sk_live_", "sk_live_", "rk_live_"]);
    let n = *rng.pick(&[24usize, 34, 99]);
    format!("{p}{}", rng.string(ALNUM, n))
}

pub fn openai_key(rng: &mut Rng) -> String {
    if rng.chance(0.5) {
        format!("sk-proj-{}T3BlbkFJ{}", rng.string(B64URL, 74), rng.string(B64URL, 74))
    } else {
        format!("sk-{}T3BlbkFJ{}", rng.string(ALNUM, 20), rng.string(ALNUM, 20))
    }
}

pub fn anthropic_key(rng: &mut Rng) -> String {
    format!("sk-ant-api03-{}AA", rng.string(B64URL, 93))
}

pub fn conn_password(rng: &mut Rng) -> String {
    if rng.chance(0.4) {
        human_password(rng)
    } else {
        {
            let n = rng.range(14, 28);
            rng.string(ALNUM, n)
        }
    }
}

pub fn human_password(rng: &mut Rng) -> String {
    let w = *rng.pick(&[
        "Summer",
        "Winter",
        "Tr0ub4dor",
        "Passw0rd",
        "Dragon",
        "Monkey",
        "Corvette",
        "Blue",
        "Sunshine",
        "Bra5il",
        "Orion",
        "Falcon",
    ]);
    let d = rng.range(1, 9999);
    let s = *rng.pick(&["!", "#", "$", "%", "&", "*", "!!", "_", "."]);
    let n = rng.range(2, 5);
    let tail = rng.string(LOWER_NUM, n);
    format!("{w}{d}{s}{tail}")
}

pub fn opaque_token(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => rng.string(ALNUM, 40),
        1 => format!("{}.{}", rng.string(ALNUM, 24), rng.string(ALNUM, 32)),
        _ => rng.string(B64URL, 64),
    }
}

fn b64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = ((b[0] as u32) << 16) | ((b[1] as u32) << 8) | b[2] as u32;
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(B64URL[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

pub fn jwt(rng: &mut Rng) -> String {
    let alg = *rng.pick(&["HS256", "RS256", "HS256", "ES256"]);
    let header = format!("{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}");
    let iat = 1_700_000_000 + rng.below(60_000_000);
    let sub = if rng.chance(0.5) {
        rng.range(1000, 999_999).to_string()
    } else {
        format!("user_{}", rng.string(LOWER_NUM, 10))
    };
    let payload = format!(
        "{{\"sub\":\"{sub}\",\"name\":\"{}\",\"role\":\"{}\",\"iat\":{iat},\"exp\":{}}}",
        super::vocab::cap(*rng.pick(FIRST_NAMES)),
        rng.pick(&["admin", "user", "service", "editor"]),
        iat + 3600 * rng.range(1, 48)
    );
    let sig_len = if alg == "HS256" {
        43
    } else if alg == "ES256" {
        86
    } else {
        342
    };
    format!(
        "{}.{}.{}",
        b64url_encode(header.as_bytes()),
        b64url_encode(payload.as_bytes()),
        rng.string(B64URL, sig_len)
    )
}

pub fn pem(rng: &mut Rng) -> String {
    let (label, prefix, lines) = *rng.pick(&[
        ("RSA PRIVATE KEY", "MIIEowIBAAKCAQEA", 25usize),
        ("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 26),
        ("EC PRIVATE KEY", "MHcCAQEEI", 3),
        ("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 6),
    ]);
    let mut body = String::from(prefix);
    let total = lines * 64 - rng.below(40);
    body.push_str(&rng.string(B64, total - prefix.len()));
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(if label.starts_with("OPENSSH") { 70 } else { 64 }) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    if label.starts_with("OPENSSH") || label.starts_with("EC") {
        out.push_str(&format!("{}==\n", rng.string(B64, 10)));
    }
    out.push_str(&format!("-----END {label}-----"));
    out
}

fn uuid(rng: &mut Rng) -> String {
    let h = rng.string(HEX, 32);
    let variant = ["8", "9", "a", "b"][rng.below(4)];
    format!("{}-{}-4{}-{}{}-{}", &h[0..8], &h[8..12], &h[13..16], variant, &h[17..20], &h[20..32])
}

fn conn_url(rng: &mut Rng, v: &Vars) -> String {
    let user = *rng.pick(DBUSERS);
    let pw = conn_password(rng);
    match rng.below(6) {
        0 => format!("mysql://{user}:{pw}@{}:3306/{}", v.host, v.db),
        1 => format!(
            "mongodb+srv://{user}:{pw}@cluster0.{}.mongodb.net/{}?retryWrites=true&w=majority",
            rng.string(LOWER_NUM, 5),
            v.db
        ),
        2 => format!("redis://default:{pw}@{}:6379/0", v.host),
        3 => format!("amqp://{user}:{pw}@rabbitmq.internal:5672/%2F"),
        _ => format!("{}://{user}:{pw}@{}:5432/{}", rng.pick(&["postgres", "postgresql", "postgres"]), v.host, v.db),
    }
}

// ------------------------------------------------------------------ blocks

/// One env-file line carrying one secret: (line, kind(s)).
fn env_line(rng: &mut Rng, v: &Vars) -> (String, Vec<&'static str>) {
    match rng.below(12) {
        0 => (format!("DATABASE_URL={}", conn_url(rng, v)), vec!["connection_url_password"]),
        1 => (format!("STRIPE_SECRET_KEY={}", stripe_key(rng)), vec!["stripe_key"]),
        2 => (format!("OPENAI_API_KEY={}", openai_key(rng)), vec!["openai_key"]),
        3 => (
            format!("AWS_ACCESS_KEY_ID={}\nAWS_SECRET_ACCESS_KEY={}", aws_key_id(rng), aws_secret(rng)),
            vec!["aws_access_key_id", "aws_secret_access_key"],
        ),
        4 => (format!("GITHUB_TOKEN={}", github_token(rng)), vec!["github_token"]),
        5 => (format!("SLACK_BOT_TOKEN={}", slack_token(rng)), vec!["slack_token"]),
        6 => {
            (format!("SENDGRID_API_KEY=SG.{}.{}", rng.string(B64URL, 22), rng.string(B64URL, 43)), vec!["sendgrid_key"])
        }
        7 => (format!("DB_PASSWORD={}", human_password(rng)), vec!["password_assignment"]),
        8 => (format!("JWT_SECRET={}", rng.string(ALNUM, 48)), vec!["secret_assignment"]),
        9 => (format!("ANTHROPIC_API_KEY={}", anthropic_key(rng)), vec!["anthropic_key"]),
        10 => (format!("TWILIO_API_KEY=SK{}", rng.string(HEX, 32)), vec!["twilio_api_key"]),
        _ => (
            format!("REDIS_URL=redis://default:{}@{}:6379", conn_password(rng), v.host),
            vec!["connection_url_password"],
        ),
    }
}

const ENV_HARMLESS: &[&str] = &[
    "NODE_ENV=production",
    "PORT=«port»",
    "LOG_LEVEL=debug",
    "APP_NAME=«svc»",
    "AWS_REGION=«region»",
    "FEATURE_NEW_CHECKOUT=true",
    "WORKERS=«workers»",
    "TZ=UTC",
];

/// Number of `secret_block` variants (the `variant` argument is taken modulo this).
pub const SECRET_BLOCK_VARIANTS: usize = 16;
/// Number of `decoy_block` variants.
pub const DECOY_BLOCK_VARIANTS: usize = 9;
/// Number of `context_secret` variants.
pub const CONTEXT_SECRET_VARIANTS: usize = 6;

pub fn secret_block(rng: &mut Rng, v: &Vars, variant: usize) -> Planted {
    let mut secrets = Vec::new();
    let (text, lang, what) = match variant % SECRET_BLOCK_VARIANTS {
        0 | 1 => {
            let mut lines: Vec<String> = Vec::new();
            for _ in 0..rng.range(1, 3) {
                lines.push(v.fill(*rng.pick(ENV_HARMLESS)));
            }
            for _ in 0..rng.range(1, 3) {
                let (l, k) = env_line(rng, v);
                let at = rng.range(0, lines.len());
                lines.insert(at, l);
                secrets.extend(k);
            }
            lines.dedup();
            (lines.join("\n"), Some(Lang::Env), ".env file")
        }
        2 => {
            let (k, s) = (aws_key_id(rng), aws_secret(rng));
            secrets.extend(["aws_access_key_id", "aws_secret_access_key"]);
            (
                format!(
                    "import boto3\n\ns3 = boto3.client(\n    \"s3\",\n    region_name=\"{}\",\n    aws_access_key_id=\"{k}\",\n    aws_secret_access_key=\"{s}\",\n)\ns3.upload_file(\"export.csv\", \"{}-exports\", \"daily/export.csv\")",
                    v.region, v.svc
                ),
                Some(Lang::Python),
                "upload script",
            )
        }
        3 => {
            secrets.push("openai_key");
            (
                format!(
                    "from openai import OpenAI\n\nclient = OpenAI(api_key=\"{}\")\nresp = client.chat.completions.create(\n    model=\"gpt-4o-mini\",\n    messages=[{{\"role\": \"user\", \"content\": prompt}}],\n)",
                    openai_key(rng)
                ),
                Some(Lang::Python),
                "client code",
            )
        }
        4 => {
            secrets.push("stripe_key");
            if rng.chance(0.5) {
                (
                    format!(
                        "import stripe\n\nstripe.api_key = \"{}\"\nintent = stripe.PaymentIntent.create(amount=2000, currency=\"brl\")",
                        stripe_key(rng)
                    ),
                    Some(Lang::Python),
                    "payment code",
                )
            } else {
                (
                    format!(
                        "const stripe = require('stripe')('{}');\n\nconst session = await stripe.checkout.sessions.create({{ mode: 'payment', line_items }});",
                        stripe_key(rng)
                    ),
                    Some(Lang::JavaScript),
                    "checkout handler",
                )
            }
        }
        5 => {
            secrets.push("password_assignment");
            secrets.push("secret_assignment");
            (
                format!(
                    "SECRET_KEY = \"django-insecure-{}\"\n\nDATABASES = {{\n    \"default\": {{\n        \"ENGINE\": \"django.db.backends.postgresql\",\n        \"NAME\": \"{}\",\n        \"USER\": \"{}\",\n        \"PASSWORD\": \"{}\",\n        \"HOST\": \"{}\",\n    }}\n}}",
                    rng.string(b"abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)", 50),
                    v.db,
                    rng.pick(DBUSERS),
                    conn_password(rng),
                    v.host
                ),
                Some(Lang::Python),
                "settings.py",
            )
        }
        6 => {
            secrets.push("bearer_token");
            (
                format!(
                    "curl -sS https://api.example.com/v2/{} \\\n  -H \"Authorization: Bearer {}\" \\\n  -H \"Accept: application/json\"",
                    v.noun.many,
                    opaque_token(rng)
                ),
                Some(Lang::Bash),
                "request",
            )
        }
        7 => {
            secrets.push("bearer_token");
            (
                format!(
                    "GET /api/v1/{}?page=2 HTTP/1.1\nHost: api.example.com\nUser-Agent: {}/1.{}\nAuthorization: Bearer {}\nAccept: */*",
                    v.noun.many,
                    v.svc,
                    v.nums[5],
                    opaque_token(rng)
                ),
                None,
                "raw request",
            )
        }
        8 => {
            secrets.push("private_key");
            (pem(rng), None, "private key")
        }
        9 => {
            secrets.push("jwt");
            let t = jwt(rng);
            (
                format!("{} WARN  [{}] token rejected: exp claim in the past token={t}", "2024-05-02T10:14:07Z", v.svc),
                None,
                "log line",
            )
        }
        10 => {
            secrets.push("connection_url_password");
            (
                format!(
                    "env:\n  - name: DATABASE_URL\n    value: \"{}\"\n  - name: LOG_LEVEL\n    value: info",
                    conn_url(rng, v)
                ),
                Some(Lang::Yaml),
                "deployment env",
            )
        }
        11 => {
            secrets.push("password_assignment");
            secrets.push("slack_webhook");
            (
                format!(
                    "{{\"database\":{{\"host\":\"{}\",\"port\":5432,\"user\":\"{}\",\"password\":\"{}\"}},\"alerts\":{{\"slack_webhook\":\"https://hooks.slack.com/services/T{}/B{}/{}\"}}}}",
                    v.host,
                    rng.pick(DBUSERS),
                    conn_password(rng),
                    rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8),
                    rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10),
                    rng.string(ALNUM, 24)
                ),
                Some(Lang::Json),
                "config.json",
            )
        }
        12 => {
            let (what, line, kind) = match rng.below(3) {
                0 => (
                    "remote URL",
                    format!(
                        "git remote set-url origin https://oauth2:glpat-{}@gitlab.com/acme/{}.git",
                        rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", 20),
                        v.svc
                    ),
                    "gitlab_token",
                ),
                1 => (
                    ".npmrc",
                    format!(
                        "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=npm_{}",
                        rng.string(ALNUM, 36)
                    ),
                    "npm_token",
                ),
                _ => (
                    ".pypirc",
                    format!("[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc{}", rng.string(B64URL, 64)),
                    "pypi_token",
                ),
            };
            secrets.push(kind);
            (line, Some(Lang::Bash), what)
        }
        13 => {
            secrets.push("azure_storage_key");
            (
                format!(
                    "{{\n  \"ConnectionStrings\": {{\n    \"Storage\": \"DefaultEndpointsProtocol=https;AccountName={}store;AccountKey={}==;EndpointSuffix=core.windows.net\"\n  }}\n}}",
                    v.svc.replace('-', ""),
                    rng.string(B64, 86)
                ),
                Some(Lang::Json),
                "appsettings.json",
            )
        }
        14 => {
            secrets.push("gcp_api_key");
            (
                format!(
                    "const MAPS_API_KEY = \"AIza{}\";\n\nconst url = `https://maps.googleapis.com/maps/api/geocode/json?address=${{encodeURIComponent(addr)}}&key=${{MAPS_API_KEY}}`;",
                    rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", 35)
                ),
                Some(Lang::JavaScript),
                "geocoding helper",
            )
        }
        _ => {
            if rng.chance(0.5) {
                secrets.push("slack_token");
                (
                    format!(
                        "from slack_sdk import WebClient\n\nclient = WebClient(token=\"{}\")\nclient.chat_postMessage(channel=\"#alerts\", text=msg)",
                        slack_token(rng)
                    ),
                    Some(Lang::Python),
                    "alerting code",
                )
            } else {
                secrets.push("github_token");
                (
                    format!(
                        "curl -H \"Authorization: token {}\" https://api.github.com/repos/acme/{}/issues",
                        github_token(rng),
                        v.svc
                    ),
                    Some(Lang::Bash),
                    "API call",
                )
            }
        }
    };
    Planted { text, lang, what, secrets, decoys: Vec::new() }
}

/// A single-line secret for a context/metadata string value: (key, value, kinds).
pub fn context_secret(rng: &mut Rng, v: &Vars, variant: usize) -> (&'static str, String, Vec<&'static str>) {
    match variant % CONTEXT_SECRET_VARIANTS {
        0 => {
            let (line, kinds) = env_line(rng, v);
            ("env_snippet", line.replace('\n', " "), kinds)
        }
        1 => ("request_headers", format!("Authorization: Bearer {}", opaque_token(rng)), vec!["bearer_token"]),
        2 => ("database_url", conn_url(rng, v), vec!["connection_url_password"]),
        3 => (
            "notes",
            format!("rotated the old key {} after the incident, new one is in the vault", aws_key_id(rng)),
            vec!["aws_access_key_id"],
        ),
        4 => (
            "webhook",
            format!(
                "https://hooks.slack.com/services/T{}/B{}/{}",
                rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8),
                rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10),
                rng.string(ALNUM, 24)
            ),
            vec!["slack_webhook"],
        ),
        _ => ("session_token", jwt(rng), vec!["jwt"]),
    }
}

pub const AWS_EXAMPLE_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const AWS_EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

pub fn decoy_block(rng: &mut Rng, v: &Vars, variant: usize) -> Planted {
    let mut decoys = Vec::new();
    let (text, lang, what) = match variant % DECOY_BLOCK_VARIANTS {
        0 | 1 => {
            decoys.push("uuid");
            let id = uuid(rng);
            (
                format!("2024-05-02T10:14:07.532Z ERROR {} request_id={id} upstream timed out after 30000ms", v.svc),
                None,
                "log line",
            )
        }
        2 => {
            decoys.push("git_sha");
            let sha = rng.string(HEX, 40);
            (format!("git log --oneline -1 {}\ngit revert {sha}", &sha[..7]), Some(Lang::Bash), "git commands")
        }
        3 => {
            decoys.push("git_sha");
            let sha = rng.string(HEX, 40);
            (
                format!("steps:\n  - uses: actions/checkout@{sha} # v4.1.7\n  - run: make test"),
                Some(Lang::Yaml),
                "workflow",
            )
        }
        4 => {
            decoys.push("aws_example_key");
            (
                format!(
                    "[default]\naws_access_key_id = {AWS_EXAMPLE_ID}\naws_secret_access_key = {AWS_EXAMPLE_SECRET}\nregion = {}",
                    v.region
                ),
                Some(Lang::Bash),
                "~/.aws/credentials (the example from the AWS docs)",
            )
        }
        5 => {
            decoys.push("env_reference");
            let t = match rng.below(3) {
                0 => "import os\n\nDB_PASSWORD = os.environ[\"DB_PASSWORD\"]\napi_key = os.getenv(\"OPENAI_API_KEY\")"
                    .to_string(),
                1 => format!(
                    "environment:\n  DATABASE_URL: ${{DATABASE_URL}}\n  STRIPE_SECRET_KEY: ${{STRIPE_SECRET_KEY}}\n  APP_NAME: {}",
                    v.svc
                ),
                _ => "curl -H \"Authorization: Bearer $API_TOKEN\" https://api.example.com/v1/me".to_string(),
            };
            let lang = if t.starts_with("import") {
                Lang::Python
            } else if t.starts_with("env") {
                Lang::Yaml
            } else {
                Lang::Bash
            };
            (t, Some(lang), "config")
        }
        6 => {
            decoys.push("placeholder");
            (
                "client = OpenAI(api_key=\"YOUR_API_KEY\")\nstripe.api_key = \"<your-stripe-secret-key>\"\npassword = \"<db-password>\"".to_string(),
                Some(Lang::Python),
                "template",
            )
        }
        7 => {
            decoys.push("sha256_digest");
            (format!("image: postgres@sha256:{}", rng.string(HEX, 64)), Some(Lang::Yaml), "pinned image")
        }
        _ => {
            decoys.push("npm_integrity");
            (
                format!(
                    "\"node_modules/express\": {{\n  \"version\": \"4.19.2\",\n  \"resolved\": \"https://registry.npmjs.org/express/-/express-4.19.2.tgz\",\n  \"integrity\": \"sha512-{}==\"\n}}",
                    rng.string(B64, 86)
                ),
                Some(Lang::Json),
                "package-lock.json entry",
            )
        }
    };
    Planted { text, lang, what, secrets: Vec::new(), decoys }
}

/// A short inline decoy for prose (a UUID or a commit SHA mentioned in a sentence).
pub fn inline_decoy(rng: &mut Rng, v: &Vars) -> (String, &'static str) {
    if rng.chance(0.5) {
        (format!("The failing {} has id `{}` in the logs.", v.noun.one, uuid(rng)), "uuid")
    } else {
        (format!("It broke after commit {}, which bumped the driver version.", rng.string(HEX, 40)), "git_sha")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_parts_decode() {
        let mut rng = Rng::new(3);
        let t = jwt(&mut rng);
        let parts: Vec<_> = t.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert!(parts[0].starts_with("eyJ"));
        assert!(parts[1].starts_with("eyJ"));
    }

    #[test]
    fn key_shapes() {
        let mut rng = Rng::new(5);
        for _ in 0..200 {
            let k = aws_key_id(&mut rng);
            assert_eq!(k.len(), 20);
            assert!(k.starts_with("AKIA") || k.starts_with("ASIA"));
            assert_ne!(k, AWS_EXAMPLE_ID);
            assert_eq!(aws_secret(&mut rng).len(), 40);
            let g = github_token(&mut rng);
            assert!(g.starts_with("ghp_") || g.starts_with("gho_") || g.starts_with("github_pat_"));
            assert!(pem(&mut rng).starts_with("-----BEGIN "));
        }
    }
}
