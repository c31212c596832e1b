//! Fake secrets of every kind gitleaks knows (its `config/gitleaks.toml`
//! rule ids are the checklist, `GITLEAKS` below), written from the vendors'
//! documented formats with random bodies, and the contexts they are pasted
//! in: `.env`, JSON, YAML, shell, Python, JS, Rust, Go, Java, URLs, chat
//! prose, Markdown fences, diffs. Deterministic: everything comes from a
//! seeded `Rng`.
//!
//! `cargo test -p enzyme-security --test recall -- --nocapture` prints the
//! recall per format and per context.

use super::{B64, B64URL, DIGITS, HEX, Rng, b64_encode};
use enzyme_security::Kind;

const UPPER_DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LOWER_DIGITS: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
const ALNUM: &str = super::ALNUM;

/// Random string over `alphabet` holding at least one letter and one digit
/// (as real generated keys do, and unlike a word).
pub fn rnd(r: &mut Rng, alphabet: &str, n: usize) -> String {
    let has_digit = alphabet.bytes().any(|b| b.is_ascii_digit());
    let has_alpha = alphabet.bytes().any(|b| b.is_ascii_alphabetic());
    loop {
        let s = r.pick(alphabet, n);
        let d = s.bytes().filter(u8::is_ascii_digit).count();
        let a = s.bytes().filter(u8::is_ascii_alphabetic).count();
        if n < 4 || ((!has_digit || d >= 1) && (!has_alpha || a >= 2)) {
            return s;
        }
    }
}
pub fn an(r: &mut Rng, n: usize) -> String {
    loop {
        let s = rnd(r, ALNUM, n);
        if s.bytes().any(|b| b.is_ascii_uppercase()) && s.bytes().any(|b| b.is_ascii_lowercase()) {
            return s;
        }
    }
}
fn lan(r: &mut Rng, n: usize) -> String {
    rnd(r, LOWER_DIGITS, n)
}
fn uan(r: &mut Rng, n: usize) -> String {
    rnd(r, UPPER_DIGITS, n)
}
fn hx(r: &mut Rng, n: usize) -> String {
    rnd(r, HEX, n)
}
fn b64(r: &mut Rng, n: usize) -> String {
    rnd(r, B64, n)
}
fn b64u(r: &mut Rng, n: usize) -> String {
    rnd(r, B64URL, n)
}
fn dig(r: &mut Rng, n: usize) -> String {
    format!("{}{}", 1 + r.below(9), r.pick(DIGITS, n - 1))
}
fn letters(r: &mut Rng, n: usize) -> String {
    loop {
        let s = r.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", n);
        let up = s.bytes().filter(u8::is_ascii_uppercase).count();
        if up >= 3 && n - up >= 3 {
            return s;
        }
    }
}
pub fn uuid(r: &mut Rng) -> String {
    let h = r.pick(HEX, 32);
    format!("{}-{}-4{}-a{}-{}", &h[..8], &h[8..12], &h[13..16], &h[17..20], &h[20..])
}
fn jwt(r: &mut Rng) -> String {
    let header = b64_encode(br#"{"alg":"HS256","typ":"JWT"}"#, true);
    let payload = format!(
        r#"{{"sub":"{}","name":"user{}","iat":{},"scope":"read write"}}"#,
        r.pick(DIGITS, 10),
        r.below(1000),
        1_700_000_000 + r.below(9_999_999)
    );
    format!("{header}.{}.{}", b64_encode(payload.as_bytes(), true), b64u(r, 43))
}
fn password(r: &mut Rng) -> String {
    loop {
        let n = 12 + r.below(6);
        let s = format!(
            "{}{}",
            r.pick(ALNUM, 1),
            r.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!%^*_+=-#", n - 1)
        );
        if s.bytes().filter(u8::is_ascii_digit).count() >= 2 && s.bytes().filter(u8::is_ascii_alphabetic).count() >= 4 {
            return s;
        }
    }
}

/// A PEM block: `label`, `lines` of 64 base64 characters.
pub fn pem(r: &mut Rng, label: &str, lines: usize) -> String {
    let mut s = format!("-----BEGIN {label}-----\n");
    if label == "RSA PRIVATE KEY" && r.below(3) == 0 {
        s.push_str(&format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{}\n\n", hx(r, 32).to_uppercase()));
    }
    if label == "PGP PRIVATE KEY BLOCK" {
        s.push_str("Version: GnuPG v2\n\n");
    }
    for i in 0..lines {
        let len = if i + 1 == lines { 20 + r.below(40) } else { 64 };
        s.push_str(&b64(r, len));
        s.push('\n');
    }
    if label == "PGP PRIVATE KEY BLOCK" {
        s.push_str(&format!("={}\n", b64(r, 4)));
    }
    s.push_str(&format!("-----END {label}-----"));
    s
}

/// A PuTTY private-key file (`.ppk`), format 2 or 3, maybe encrypted.
pub fn putty(r: &mut Rng) -> String {
    let v3 = r.below(2) == 0;
    let encrypted = r.below(3) == 0;
    let (alg, pub_lines, priv_lines) =
        [("ssh-rsa", 6, 14), ("ssh-ed25519", 2, 1), ("ecdsa-sha2-nistp256", 3, 1)][r.below(3)];
    let mut s = format!("PuTTY-User-Key-File-{}: {alg}\n", if v3 { 3 } else { 2 });
    s.push_str(&format!("Encryption: {}\n", if encrypted { "aes256-cbc" } else { "none" }));
    s.push_str(&format!("Comment: {}-key-2023{:04}\n", alg.split('-').next().unwrap(), r.below(1231)));
    s.push_str(&format!("Public-Lines: {pub_lines}\n"));
    let body = |r: &mut Rng, n: usize, s: &mut String| {
        for i in 0..n {
            let len = if i + 1 == n { 44 + r.below(20) } else { 64 };
            s.push_str(&b64(r, len));
            s.push('\n');
        }
    };
    s.push_str("AAAA");
    body(r, pub_lines, &mut s);
    if v3 && encrypted {
        s.push_str("Key-Derivation: Argon2id\nArgon2-Memory: 8192\nArgon2-Passes: 13\nArgon2-Parallelism: 1\n");
        s.push_str(&format!("Argon2-Salt: {}\n", hx(r, 32)));
    }
    s.push_str(&format!("Private-Lines: {priv_lines}\n"));
    body(r, priv_lines, &mut s);
    s.push_str(&format!("Private-MAC: {}", hx(r, if v3 { 64 } else { 40 })));
    s
}

fn k8s_secret(r: &mut Rng) -> String {
    let user = b64_encode(format!("svc-{}", r.pick(LOWER_DIGITS, 6)).as_bytes(), false);
    let pw = b64_encode(password(r).as_bytes(), false);
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\n  namespace: prod\ntype: Opaque\ndata:\n  username: {user}\n  password: {pw}\n"
    )
}

/// One format of secret.
pub struct Format {
    /// A label for reports (the gitleaks id where there is one).
    pub id: &'static str,
    pub kind: Kind,
    /// The variable a developer would put it in (`UPPER_SNAKE`).
    pub key: &'static str,
    /// Recognisable only next to its provider's name (no prefix of its own):
    /// the contexts keep the key.
    pub keyed: bool,
    pub generate: fn(&mut Rng) -> String,
    /// A multi-line block (private keys, manifests).
    pub block: bool,
}

macro_rules! f {
    ($id:literal, $kind:ident, $key:literal, $gen:expr) => {
        Format { id: $id, kind: Kind::$kind, key: $key, keyed: false, generate: $gen, block: false }
    };
    (keyed $id:literal, $kind:ident, $key:literal, $gen:expr) => {
        Format { id: $id, kind: Kind::$kind, key: $key, keyed: true, generate: $gen, block: false }
    };
    (block $id:literal, $kind:ident, $key:literal, $gen:expr) => {
        Format { id: $id, kind: Kind::$kind, key: $key, keyed: false, generate: $gen, block: true }
    };
}

/// Every format. `id`s starting with `x-` are extra kinds of this enzyme
/// that gitleaks has no rule for.
pub fn formats() -> Vec<Format> {
    vec![
        f!("1password-secret-key", OnepasswordSecretKey, "OP_SECRET_KEY", |r| format!(
            "A3-{}-{}-{}-{}-{}",
            uan(r, 6),
            uan(r, 11),
            uan(r, 5),
            uan(r, 5),
            uan(r, 5)
        )),
        f!("1password-service-account-token", OnepasswordServiceAccountToken, "OP_SERVICE_ACCOUNT_TOKEN", |r| {
            let json = format!(
                r#"{{"signInAddress":"my.1password.com","userAuth":{{"method":"SRPg-4096","alg":"PBES2g-HS256","iterations":650000,"salt":"{}"}},"email":"{}@1passwordserviceaccounts.com","srpX":"{}","muk":{{"alg":"A256GCM","ext":true,"k":"{}","key_ops":["encrypt","decrypt"],"kty":"oct","kid":"mp"}},"secretKey":"A3-{}","throttleSecret":{{"seed":"{}","deviceUuid":"{}"}},"deviceUuid":"{}"}}"#,
                b64u(r, 22),
                lan(r, 13),
                hx(r, 64),
                b64u(r, 43),
                uan(r, 31),
                hx(r, 64),
                lan(r, 26),
                lan(r, 26)
            );
            format!("ops_{}", b64_encode(json.as_bytes(), false).trim_end_matches('='))
        }),
        f!(keyed "adafruit-api-key", AdafruitApiKey, "ADAFRUIT_IO_KEY", |r| format!("aio_{}", an(r, 28))),
        f!("adobe-client-secret", AdobeClientSecret, "ADOBE_CLIENT_SECRET", |r| format!("p8e-{}", an(r, 32))),
        f!("age-secret-key", AgeSecretKey, "SOPS_AGE_KEY", |r| format!(
            "AGE-SECRET-KEY-1{}",
            r.pick("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)
        )),
        f!(keyed "airtable-api-key", AirtableApiKey, "AIRTABLE_API_KEY", |r| format!("key{}", an(r, 14))),
        f!("airtable-personnal-access-token", AirtableApiKey, "AIRTABLE_TOKEN", |r| format!(
            "pat{}.{}",
            an(r, 14),
            hx(r, 64)
        )),
        f!(keyed "algolia-api-key", AlgoliaApiKey, "ALGOLIA_ADMIN_KEY", |r| hx(r, 32)),
        f!("alibaba-access-key-id", AlibabaAccessKeyId, "ALIBABA_CLOUD_ACCESS_KEY_ID", |r| format!(
            "LTAI{}",
            an(r, 20)
        )),
        f!(keyed "alibaba-secret-key", AlibabaSecretKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET", |r| an(r, 30)),
        f!("anthropic-admin-api-key", AnthropicApiKey, "ANTHROPIC_ADMIN_KEY", |r| format!(
            "sk-ant-admin01-{}AA",
            rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 93)
        )),
        f!("anthropic-api-key", AnthropicApiKey, "ANTHROPIC_API_KEY", |r| format!(
            "sk-ant-api03-{}AA",
            rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 93)
        )),
        f!("artifactory-api-key", ArtifactoryToken, "ARTIFACTORY_API_KEY", |r| format!("AKCp{}", an(r, 69))),
        f!("artifactory-reference-token", ArtifactoryToken, "ARTIFACTORY_ACCESS_TOKEN", |r| format!(
            "cmVmd{}",
            an(r, 59)
        )),
        f!(keyed "asana-client-secret", AsanaToken, "ASANA_CLIENT_SECRET", |r| lan(r, 32)),
        f!(keyed "atlassian-api-token", AtlassianApiToken, "JIRA_API_TOKEN", |r| an(r, 24)),
        f!("atlassian-api-token-v2", AtlassianApiToken, "ATLASSIAN_API_TOKEN", |r| format!(
            "ATATT3{}={}",
            b64u(r, 177),
            hx(r, 8).to_uppercase()
        )),
        f!("authress-service-client-access-key", AuthressAccessKey, "AUTHRESS_SERVICE_CLIENT_ACCESS_KEY", |r| format!(
            "sc_{}.{}.acc_{}.{}",
            lan(r, 22),
            lan(r, 5),
            lan(r, 20),
            b64(r, 80)
        )),
        f!("aws-access-token", AwsAccessKeyId, "AWS_ACCESS_KEY_ID", |r| format!(
            "AKIA{}",
            rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        )),
        f!(keyed "x-aws-secret-access-key", AwsSecretAccessKey, "AWS_SECRET_ACCESS_KEY", |r| b64(r, 40)),
        f!("aws-amazon-bedrock-api-key-long-lived", AwsBedrockApiKey, "AWS_BEARER_TOKEN_BEDROCK", |r| format!(
            "ABSK{}",
            b64(r, 132)
        )),
        f!("aws-amazon-bedrock-api-key-short-lived", AwsBedrockApiKey, "AWS_BEARER_TOKEN_BEDROCK", |r| {
            let q = format!(
                "bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIA{}%2F20250101%2Fus-east-1%2Fbedrock%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-Expires=43200&X-Amz-Security-Token={}&X-Amz-Signature={}&X-Amz-SignedHeaders=host&Version=1",
                uan(r, 16),
                b64(r, 200),
                hx(r, 64)
            );
            format!("bedrock-api-key-{}", b64_encode(q.as_bytes(), false))
        }),
        f!("azure-ad-client-secret", AzureAdClientSecret, "AZURE_CLIENT_SECRET", |r| format!(
            "{}{}Q~{}",
            an(r, 3),
            r.below(10),
            rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-", 34)
        )),
        f!(keyed "beamer-api-token", BeamerApiToken, "BEAMER_API_KEY", |r| format!("b_{}", b64u(r, 44))),
        f!(keyed "bitbucket-client-secret", BitbucketClientSecret, "BITBUCKET_CLIENT_SECRET", |r| an(r, 32)),
        f!(keyed "bittrex-access-key", BittrexApiKey, "BITTREX_API_KEY", |r| hx(r, 32)),
        f!(keyed "bittrex-secret-key", BittrexApiKey, "BITTREX_API_SECRET", |r| hx(r, 32)),
        f!(keyed "cisco-meraki-api-key", CiscoMerakiApiKey, "MERAKI_DASHBOARD_API_KEY", |r| hx(r, 40)),
        f!("clickhouse-cloud-api-secret-key", ClickhouseApiSecret, "CLICKHOUSE_KEY_SECRET", |r| format!(
            "4b1d{}",
            an(r, 38)
        )),
        f!("clojars-api-token", ClojarsToken, "CLOJARS_DEPLOY_TOKEN", |r| format!("CLOJARS_{}", lan(r, 60))),
        f!(keyed "cloudflare-api-key", CloudflareApiKey, "CLOUDFLARE_API_TOKEN", |r| b64u(r, 40)),
        f!(keyed "cloudflare-global-api-key", CloudflareApiKey, "CLOUDFLARE_API_KEY", |r| hx(r, 37)),
        f!("cloudflare-origin-ca-key", CloudflareOriginCaKey, "CF_ORIGIN_CA_KEY", |r| format!(
            "v1.0-{}-{}",
            hx(r, 24),
            hx(r, 146)
        )),
        f!(keyed "codecov-access-token", CodecovToken, "CODECOV_TOKEN", uuid),
        f!(keyed "cohere-api-token", CohereApiKey, "COHERE_API_KEY", |r| an(r, 40)),
        f!(keyed "coinbase-access-token", CoinbaseAccessToken, "COINBASE_ACCESS_TOKEN", |r| b64u(r, 64)),
        f!(keyed "confluent-access-token", ConfluentApiKey, "CONFLUENT_CLOUD_API_KEY", |r| uan(r, 16)),
        f!(keyed "confluent-secret-key", ConfluentApiKey, "CONFLUENT_CLOUD_API_SECRET", |r| b64(r, 64)),
        f!(keyed "contentful-delivery-api-token", ContentfulToken, "CONTENTFUL_DELIVERY_TOKEN", |r| b64u(r, 43)),
        f!("curl-auth-header", BearerToken, "curl", |r| an(r, 40)),
        f!("curl-auth-user", Password, "curl", password),
        f!("databricks-api-token", DatabricksToken, "DATABRICKS_TOKEN", |r| format!("dapi{}", hx(r, 32))),
        f!(keyed "datadog-access-token", DatadogApiKey, "DD_APP_KEY", |r| hx(r, 40)),
        f!(keyed "x-datadog-api-key", DatadogApiKey, "DATADOG_API_KEY", |r| hx(r, 32)),
        f!("defined-networking-api-token", DefinedNetworkingToken, "DN_API_KEY", |r| format!(
            "dnkey-{}-{}",
            uan(r, 26),
            uan(r, 52)
        )),
        f!("digitalocean-access-token", DigitaloceanToken, "DO_OAUTH_TOKEN", |r| format!("doo_v1_{}", hx(r, 64))),
        f!("digitalocean-pat", DigitaloceanToken, "DIGITALOCEAN_TOKEN", |r| format!("dop_v1_{}", hx(r, 64))),
        f!("digitalocean-refresh-token", DigitaloceanToken, "DO_REFRESH_TOKEN", |r| format!("dor_v1_{}", hx(r, 64))),
        f!(keyed "discord-api-token", DiscordClientSecret, "DISCORD_API_TOKEN", |r| hx(r, 64)),
        f!(keyed "discord-client-secret", DiscordClientSecret, "DISCORD_CLIENT_SECRET", |r| b64u(r, 32)),
        f!("doppler-api-token", DopplerToken, "DOPPLER_TOKEN", |r| format!("dp.pt.{}", an(r, 43))),
        f!(keyed "droneci-access-token", DroneciToken, "DRONE_TOKEN", |r| an(r, 32)),
        f!(keyed "dropbox-api-token", DropboxToken, "DROPBOX_APP_SECRET", |r| lan(r, 15)),
        f!(keyed "dropbox-long-lived-api-token", DropboxToken, "DROPBOX_ACCESS_TOKEN", |r| format!(
            "{}AAAAAAAAAA{}",
            an(r, 11),
            b64u(r, 43)
        )),
        f!("dropbox-short-lived-api-token", DropboxToken, "DROPBOX_ACCESS_TOKEN", |r| format!("sl.{}", b64u(r, 135))),
        f!("duffel-api-token", DuffelToken, "DUFFEL_ACCESS_TOKEN", |r| format!("duffel_test_{}", b64u(r, 43))),
        f!("dynatrace-api-token", DynatraceToken, "DT_API_TOKEN", |r| format!("dt0c01.{}.{}", uan(r, 24), uan(r, 64))),
        f!("easypost-api-token", EasypostApiKey, "EASYPOST_API_KEY", |r| format!("EZAK{}", an(r, 54))),
        f!("easypost-test-api-token", EasypostApiKey, "EASYPOST_TEST_API_KEY", |r| format!("EZTK{}", an(r, 54))),
        f!(keyed "etsy-access-token", EtsyToken, "ETSY_API_KEY", |r| lan(r, 24)),
        f!(keyed "facebook-access-token", FacebookAppSecret, "FACEBOOK_ACCESS_TOKEN", |r| format!(
            "{}|{}",
            dig(r, 15),
            b64u(r, 27)
        )),
        f!("facebook-page-access-token", FacebookAccessToken, "FB_PAGE_ACCESS_TOKEN", |r| format!(
            "EAAC{}",
            an(r, 160)
        )),
        f!(keyed "facebook-secret", FacebookAppSecret, "FACEBOOK_APP_SECRET", |r| hx(r, 32)),
        f!(keyed "fastly-api-token", FastlyApiToken, "FASTLY_API_TOKEN", |r| b64u(r, 32)),
        f!(keyed "finicity-api-token", FinicitySecret, "FINICITY_APP_KEY", |r| hx(r, 32)),
        f!(keyed "finicity-client-secret", FinicitySecret, "FINICITY_PARTNER_SECRET", |r| an(r, 20)),
        f!(keyed "finnhub-access-token", FinnhubToken, "FINNHUB_API_KEY", |r| lan(r, 20)),
        f!(keyed "flickr-access-token", FlickrToken, "FLICKR_API_KEY", |r| hx(r, 32)),
        f!("flutterwave-encryption-key", FlutterwaveSecretKey, "FLW_ENCRYPTION_KEY", |r| format!(
            "FLWSECK_TEST{}",
            hx(r, 12)
        )),
        f!("flutterwave-secret-key", FlutterwaveSecretKey, "FLW_SECRET_KEY", |r| format!(
            "FLWSECK_TEST-{}-X",
            hx(r, 32)
        )),
        f!("flyio-access-token", FlyioToken, "FLY_API_TOKEN", |r| format!("fo1_{}", b64u(r, 43))),
        f!("x-flyio-macaroon", FlyioToken, "FLY_API_TOKEN", |r| format!("fm2_{}", b64(r, 180))),
        f!("frameio-api-token", FrameioToken, "FRAMEIO_TOKEN", |r| format!("fio-u-{}", b64u(r, 64))),
        f!("freemius-secret-key", Secret, "freemius", |r| format!(
            "sk_{}",
            rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789;=+", 29)
        )),
        f!(keyed "freshbooks-access-token", FreshbooksToken, "FRESHBOOKS_ACCESS_TOKEN", |r| lan(r, 64)),
        f!("gcp-api-key", GcpApiKey, "GOOGLE_API_KEY", |r| format!("AIza{}", b64u(r, 35))),
        f!("x-gcp-oauth-client-secret", GcpOauthClientSecret, "GOOGLE_CLIENT_SECRET", |r| format!(
            "GOCSPX-{}",
            b64u(r, 28)
        )),
        f!(keyed "generic-api-key", ApiKey, "API_KEY", |r| an(r, 32)),
        f!(keyed "x-generic-client-secret", Secret, "CLIENT_SECRET", |r| b64u(r, 40)),
        f!(keyed "x-generic-auth-token", Token, "AUTH_TOKEN", |r| an(r, 36)),
        f!(keyed "x-generic-password", Password, "DB_PASSWORD", password),
        f!(keyed "x-generic-credentials", Secret, "SERVICE_CREDENTIALS", |r| b64(r, 44)),
        f!("github-app-token", GithubAppToken, "GH_INSTALLATION_TOKEN", |r| format!("ghs_{}", an(r, 36))),
        f!("github-fine-grained-pat", GithubFineGrainedPat, "GITHUB_TOKEN", |r| format!(
            "github_pat_{}_{}",
            an(r, 22),
            an(r, 59)
        )),
        f!("github-oauth", GithubOauthToken, "GITHUB_OAUTH_TOKEN", |r| format!("gho_{}", an(r, 36))),
        f!("github-pat", GithubPat, "GITHUB_TOKEN", |r| format!("ghp_{}", an(r, 36))),
        f!("github-refresh-token", GithubRefreshToken, "GITHUB_REFRESH_TOKEN", |r| format!("ghr_{}", an(r, 76))),
        f!("gitlab-cicd-job-token", GitlabToken, "CI_JOB_TOKEN", |r| format!("glcbt-{}_{}", an(r, 2), b64u(r, 20))),
        f!("gitlab-deploy-token", GitlabToken, "GITLAB_DEPLOY_TOKEN", |r| format!("gldt-{}", an(r, 20))),
        f!("gitlab-feature-flag-client-token", GitlabToken, "UNLEASH_INSTANCE_ID", |r| format!("glffct-{}", an(r, 20))),
        f!("gitlab-feed-token", GitlabToken, "GITLAB_FEED_TOKEN", |r| format!("glft-{}", an(r, 20))),
        f!("gitlab-incoming-mail-token", GitlabToken, "GITLAB_INCOMING_EMAIL_TOKEN", |r| format!(
            "glimt-{}",
            an(r, 25)
        )),
        f!("gitlab-kubernetes-agent-token", GitlabToken, "GITLAB_AGENT_TOKEN", |r| format!("glagent-{}", b64u(r, 50))),
        f!("gitlab-oauth-app-secret", GitlabToken, "GITLAB_APP_SECRET", |r| format!("gloas-{}", hx(r, 64))),
        f!("gitlab-pat", GitlabPat, "GITLAB_TOKEN", |r| format!("glpat-{}", b64u(r, 20))),
        f!("gitlab-pat-routable", GitlabPat, "GITLAB_TOKEN", |r| format!(
            "glpat-{}.{}{}",
            b64u(r, 36),
            lan(r, 2),
            lan(r, 7)
        )),
        f!("gitlab-ptt", GitlabToken, "GITLAB_TRIGGER_TOKEN", |r| format!("glptt-{}", hx(r, 40))),
        f!("gitlab-rrt", GitlabToken, "RUNNER_REGISTRATION_TOKEN", |r| format!("GR1348941{}", b64u(r, 20))),
        f!("gitlab-runner-authentication-token", GitlabToken, "CI_RUNNER_TOKEN", |r| format!("glrt-{}", an(r, 20))),
        f!("gitlab-runner-authentication-token-routable", GitlabToken, "CI_RUNNER_TOKEN", |r| format!(
            "glrt-t1_{}.{}{}",
            b64u(r, 27),
            lan(r, 2),
            lan(r, 7)
        )),
        f!("gitlab-scim-token", GitlabToken, "GITLAB_SCIM_TOKEN", |r| format!("glsoat-{}", an(r, 20))),
        f!("gitlab-session-cookie", GitlabToken, "Cookie", |r| lan(r, 32)),
        f!(keyed "gitter-access-token", GitterToken, "GITTER_TOKEN", |r| hx(r, 40)),
        f!(keyed "gocardless-api-token", GocardlessToken, "GOCARDLESS_ACCESS_TOKEN", |r| format!(
            "live_{}",
            b64u(r, 40)
        )),
        f!("grafana-api-key", GrafanaToken, "GRAFANA_API_KEY", |r| {
            let json = format!(r#"{{"k":"{}","n":"ci-{}","id":{}}}"#, an(r, 32), lan(r, 6), r.below(99));
            b64_encode(json.as_bytes(), false)
        }),
        f!("grafana-cloud-api-token", GrafanaToken, "GRAFANA_CLOUD_TOKEN", |r| format!("glc_{}", b64(r, 120))),
        f!("grafana-service-account-token", GrafanaToken, "GRAFANA_SA_TOKEN", |r| format!(
            "glsa_{}_{}",
            an(r, 32),
            hx(r, 8)
        )),
        f!("harness-api-key", HarnessApiKey, "HARNESS_API_KEY", |r| format!(
            "pat.{}.{}.{}",
            b64u(r, 22),
            an(r, 24),
            an(r, 20)
        )),
        f!("hashicorp-tf-api-token", TerraformCloudToken, "TF_TOKEN_app_terraform_io", |r| format!(
            "{}.atlasv1.{}",
            an(r, 14),
            b64u(r, 67)
        )),
        f!("hashicorp-tf-password", Password, "administrator_login_password", |r| rnd(
            r,
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-=",
            16
        )),
        f!(keyed "heroku-api-key", HerokuApiKey, "HEROKU_API_KEY", uuid),
        f!("heroku-api-key-v2", HerokuApiKey, "HEROKU_API_KEY", |r| format!("HRKU-AA{}", b64u(r, 58))),
        f!(keyed "hubspot-api-key", HubspotApiKey, "HUBSPOT_API_KEY", |r| uuid(r).to_uppercase()),
        f!("huggingface-access-token", HuggingfaceToken, "HF_TOKEN", |r| format!("hf_{}", letters(r, 34))),
        f!("huggingface-organization-api-token", HuggingfaceToken, "HF_ORG_TOKEN", |r| format!(
            "api_org_{}",
            letters(r, 34)
        )),
        f!("infracost-api-token", InfracostToken, "INFRACOST_API_KEY", |r| format!("ico-{}", an(r, 32))),
        f!(keyed "intercom-api-key", IntercomToken, "INTERCOM_ACCESS_TOKEN", |r| format!("{}=", b64u(r, 59))),
        f!("intra42-client-secret", Intra42ClientSecret, "FT_CLIENT_SECRET", |r| format!("s-s4t2ud-{}", hx(r, 64))),
        f!(keyed "jfrog-api-key", ArtifactoryToken, "JFROG_API_KEY", |r| an(r, 73)),
        f!(keyed "jfrog-identity-token", ArtifactoryToken, "JFROG_ACCESS_TOKEN", |r| an(r, 64)),
        f!("jwt", Jwt, "ID_TOKEN", jwt),
        f!("jwt-base64", Jwt, "ENCODED_SESSION", |r| b64_encode(jwt(r).as_bytes(), false)),
        f!(keyed "kraken-access-token", KrakenApiKey, "KRAKEN_API_SECRET", |r| format!("{}==", b64(r, 86))),
        f!(block "kubernetes-secret-yaml", KubernetesSecret, "-", k8s_secret),
        f!(keyed "kucoin-access-token", KucoinApiKey, "KUCOIN_API_KEY", |r| hx(r, 24)),
        f!(keyed "kucoin-secret-key", KucoinApiKey, "KUCOIN_API_SECRET", uuid),
        f!(keyed "launchdarkly-access-token", LaunchdarklyToken, "LAUNCHDARKLY_ACCESS_TOKEN", |r| format!(
            "api-{}",
            uuid(r)
        )),
        f!("linear-api-key", LinearApiKey, "LINEAR_API_KEY", |r| format!("lin_api_{}", an(r, 40))),
        f!(keyed "linear-client-secret", LinearApiKey, "LINEAR_CLIENT_SECRET", |r| hx(r, 32)),
        f!(keyed "linkedin-client-secret", LinkedinClientSecret, "LINKEDIN_CLIENT_SECRET", |r| an(r, 16)),
        f!(keyed "lob-api-key", LobApiKey, "LOB_API_KEY", |r| format!("live_{}", hx(r, 35))),
        f!(keyed "looker-client-secret", LookerClientSecret, "LOOKERSDK_CLIENT_SECRET", |r| an(r, 24)),
        f!("mailchimp-api-key", MailchimpApiKey, "MAILCHIMP_API_KEY", |r| format!(
            "{}-us{}",
            hx(r, 32),
            1 + r.below(21)
        )),
        f!("mailgun-private-api-token", MailgunApiKey, "MAILGUN_API_KEY", |r| format!("key-{}", hx(r, 32))),
        f!(keyed "mailgun-signing-key", MailgunApiKey, "MAILGUN_WEBHOOK_SIGNING_KEY", |r| format!(
            "{}-{}-{}",
            hx(r, 32),
            hx(r, 8),
            hx(r, 8)
        )),
        f!("x-mapbox-secret-token", MapboxSecretToken, "MAPBOX_SECRET_TOKEN", |r| format!(
            "sk.{}.{}",
            b64_encode(format!(r#"{{"u":"dev{}","a":"{}"}}"#, r.below(999), lan(r, 25)).as_bytes(), true),
            b64u(r, 22)
        )),
        f!(keyed "mattermost-access-token", MattermostToken, "MATTERMOST_ACCESS_TOKEN", |r| lan(r, 26)),
        f!("maxmind-license-key", MaxmindLicenseKey, "MAXMIND_LICENSE_KEY", |r| format!(
            "{}_{}_mmk",
            an(r, 6),
            an(r, 29)
        )),
        f!(keyed "messagebird-api-token", MessagebirdApiKey, "MESSAGEBIRD_API_KEY", |r| an(r, 25)),
        f!("microsoft-teams-webhook", MicrosoftTeamsWebhook, "TEAMS_WEBHOOK_URL", |r| format!(
            "https://contoso.webhook.office.com/webhookb2/{}@{}/IncomingWebhook/{}/{}",
            uuid(r),
            uuid(r),
            hx(r, 32),
            uuid(r)
        )),
        f!(keyed "netlify-access-token", NetlifyToken, "NETLIFY_AUTH_TOKEN", |r| b64u(r, 43)),
        f!("new-relic-browser-api-token", NewRelicKey, "NEW_RELIC_BROWSER_KEY", |r| format!("NRJS-{}", hx(r, 19))),
        f!("new-relic-insert-key", NewRelicKey, "NEW_RELIC_INSERT_KEY", |r| format!(
            "NRII-{}",
            rnd(r, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", 32)
        )),
        f!("new-relic-user-api-key", NewRelicKey, "NEW_RELIC_API_KEY", |r| format!("NRAK-{}", uan(r, 27))),
        f!("notion-api-token", NotionToken, "NOTION_TOKEN", |r| format!("ntn_{}{}", dig(r, 11), an(r, 35))),
        f!("npm-access-token", NpmToken, "NPM_TOKEN", |r| format!("npm_{}", an(r, 36))),
        f!("nuget-config-password", Password, "ClearTextPassword", password),
        f!(keyed "nytimes-access-token", NytimesToken, "NYTIMES_API_KEY", |r| an(r, 32)),
        f!("octopus-deploy-api-key", OctopusDeployApiKey, "OCTOPUS_API_KEY", |r| format!("API-{}", uan(r, 26))),
        f!(keyed "okta-access-token", OktaToken, "OKTA_API_TOKEN", |r| format!("00{}", b64u(r, 40))),
        f!("openai-api-key", OpenaiApiKey, "OPENAI_API_KEY", |r| format!(
            "sk-proj-{}T3BlbkFJ{}",
            b64u(r, 74),
            b64u(r, 74)
        )),
        f!("x-openai-legacy-key", OpenaiApiKey, "OPENAI_API_KEY", |r| format!("sk-{}T3BlbkFJ{}", an(r, 20), an(r, 20))),
        f!("openshift-user-token", OpenshiftToken, "OPENSHIFT_TOKEN", |r| format!("sha256~{}", b64u(r, 43))),
        f!("perplexity-api-key", PerplexityApiKey, "PERPLEXITY_API_KEY", |r| format!("pplx-{}", an(r, 48))),
        f!("plaid-api-token", PlaidSecret, "PLAID_ACCESS_TOKEN", |r| format!("access-sandbox-{}", uuid(r))),
        f!(keyed "plaid-secret-key", PlaidSecret, "PLAID_SECRET", |r| hx(r, 30)),
        f!("planetscale-api-token", PlanetscaleToken, "PLANETSCALE_SERVICE_TOKEN", |r| format!(
            "pscale_tkn_{}",
            b64u(r, 43)
        )),
        f!("planetscale-oauth-token", PlanetscaleToken, "PLANETSCALE_OAUTH_TOKEN", |r| format!(
            "pscale_oauth_{}",
            b64u(r, 43)
        )),
        f!("planetscale-password", PlanetscaleToken, "DATABASE_PASSWORD", |r| format!("pscale_pw_{}", b64u(r, 43))),
        f!("postman-api-token", PostmanApiKey, "POSTMAN_API_KEY", |r| format!("PMAK-{}-{}", hx(r, 24), hx(r, 34))),
        f!("prefect-api-token", PrefectApiKey, "PREFECT_API_KEY", |r| format!("pnu_{}", an(r, 36))),
        f!(keyed "privateai-api-token", PrivateaiApiKey, "PRIVATE_AI_API_KEY", |r| an(r, 32)),
        f!("pulumi-api-token", PulumiToken, "PULUMI_ACCESS_TOKEN", |r| format!("pul-{}", hx(r, 40))),
        f!("pypi-upload-token", PypiToken, "TWINE_PASSWORD", |r| format!("pypi-AgEIcHlwaS5vcmc{}", b64u(r, 150))),
        f!(keyed "rapidapi-access-token", RapidapiKey, "X_RAPIDAPI_KEY", |r| b64u(r, 50)),
        f!("readme-api-token", ReadmeApiKey, "README_API_KEY", |r| format!("rdme_{}", lan(r, 70))),
        f!("rubygems-api-token", RubygemsApiKey, "GEM_HOST_API_KEY", |r| format!("rubygems_{}", hx(r, 48))),
        f!("scalingo-api-token", ScalingoToken, "SCALINGO_API_TOKEN", |r| format!("tk-us-{}", b64u(r, 48))),
        f!(keyed "sendbird-access-token", SendbirdToken, "SENDBIRD_API_TOKEN", |r| hx(r, 40)),
        f!("sendgrid-api-token", SendgridApiKey, "SENDGRID_API_KEY", |r| format!("SG.{}.{}", b64u(r, 22), b64u(r, 43))),
        f!("sendinblue-api-token", SendinblueApiKey, "BREVO_API_KEY", |r| format!(
            "xkeysib-{}-{}",
            hx(r, 64),
            an(r, 16)
        )),
        f!(keyed "sentry-access-token", SentryToken, "SENTRY_AUTH_TOKEN", |r| hx(r, 64)),
        f!("sentry-org-token", SentryToken, "SENTRY_AUTH_TOKEN", |r| {
            let json = format!(
                r#"{{"iat":{}.{},"url":"https://sentry.io","region_url":"https://us.sentry.io","org":"acme-{}"}}"#,
                1_700_000_000 + r.below(9_999_999),
                r.pick(DIGITS, 6),
                lan(r, 5)
            );
            format!("sntrys_{}_{}", b64_encode(json.as_bytes(), false), b64(r, 43))
        }),
        f!("sentry-user-token", SentryToken, "SENTRY_AUTH_TOKEN", |r| format!("sntryu_{}", hx(r, 64))),
        f!("settlemint-application-access-token", SettlemintToken, "SETTLEMINT_ACCESS_TOKEN", |r| format!(
            "sm_aat_{}",
            an(r, 16)
        )),
        f!("settlemint-personal-access-token", SettlemintToken, "SETTLEMINT_PAT", |r| format!("sm_pat_{}", an(r, 16))),
        f!("settlemint-service-access-token", SettlemintToken, "SETTLEMINT_SERVICE_TOKEN", |r| format!(
            "sm_sat_{}",
            an(r, 16)
        )),
        f!("shippo-api-token", ShippoApiKey, "SHIPPO_API_TOKEN", |r| format!("shippo_live_{}", hx(r, 40))),
        f!("shopify-access-token", ShopifyToken, "SHOPIFY_ACCESS_TOKEN", |r| format!("shpat_{}", hx(r, 32))),
        f!("shopify-custom-access-token", ShopifyToken, "SHOPIFY_CUSTOM_TOKEN", |r| format!("shpca_{}", hx(r, 32))),
        f!("shopify-private-app-access-token", ShopifyToken, "SHOPIFY_PASSWORD", |r| format!("shppa_{}", hx(r, 32))),
        f!("shopify-shared-secret", ShopifyToken, "SHOPIFY_API_SECRET", |r| format!("shpss_{}", hx(r, 32))),
        f!(keyed "sidekiq-secret", SidekiqCredentials, "BUNDLE_ENTERPRISE__CONTRIBSYS__COM", |r| format!(
            "{}:{}",
            hx(r, 8),
            hx(r, 8)
        )),
        f!("sidekiq-sensitive-url", SidekiqCredentials, "BUNDLE_SOURCE_URL", |r| format!("{}:{}", hx(r, 8), hx(r, 8))),
        f!("slack-app-token", SlackAppToken, "SLACK_APP_TOKEN", |r| format!(
            "xapp-1-A{}-{}-{}",
            uan(r, 10),
            dig(r, 13),
            hx(r, 64)
        )),
        f!("slack-bot-token", SlackBotToken, "SLACK_BOT_TOKEN", |r| format!(
            "xoxb-{}-{}-{}",
            dig(r, 12),
            dig(r, 13),
            an(r, 24)
        )),
        f!("slack-config-access-token", SlackToken, "SLACK_CONFIG_TOKEN", |r| format!("xoxe.xoxp-1-{}", an(r, 165))),
        f!("slack-config-refresh-token", SlackToken, "SLACK_REFRESH_TOKEN", |r| format!("xoxe-1-{}", an(r, 146))),
        f!("slack-legacy-bot-token", SlackBotToken, "SLACK_BOT_TOKEN", |r| format!(
            "xoxb-{}-{}",
            dig(r, 11),
            an(r, 24)
        )),
        f!("slack-legacy-token", SlackToken, "SLACK_LEGACY_TOKEN", |r| format!(
            "xoxs-{}-{}-{}-{}",
            dig(r, 10),
            dig(r, 11),
            dig(r, 12),
            hx(r, 64)
        )),
        f!("slack-legacy-workspace-token", SlackToken, "SLACK_WORKSPACE_TOKEN", |r| format!("xoxa-2-{}", an(r, 40))),
        f!("slack-user-token", SlackUserToken, "SLACK_USER_TOKEN", |r| format!(
            "xoxp-{}-{}-{}-{}",
            dig(r, 12),
            dig(r, 12),
            dig(r, 13),
            hx(r, 32)
        )),
        f!("slack-webhook-url", SlackWebhook, "SLACK_WEBHOOK_URL", |r| format!(
            "https://hooks.slack.com/services/T{}/B{}/{}",
            uan(r, 8),
            uan(r, 10),
            an(r, 24)
        )),
        f!(keyed "snyk-api-token", SnykToken, "SNYK_TOKEN", uuid),
        f!("sonar-api-token", SonarToken, "SONAR_TOKEN", |r| format!("squ_{}", hx(r, 40))),
        f!(keyed "x-sonar-legacy-token", SonarToken, "SONAR_TOKEN", |r| hx(r, 40)),
        f!("sourcegraph-access-token", SourcegraphToken, "SRC_ACCESS_TOKEN", |r| format!(
            "sgp_{}_{}",
            hx(r, 16),
            hx(r, 40)
        )),
        f!("square-access-token", SquareAccessToken, "SQUARE_ACCESS_TOKEN", |r| format!("EAAA{}", b64u(r, 60))),
        f!("x-square-oauth-secret", SquareAccessToken, "SQUARE_APPLICATION_SECRET", |r| format!(
            "sq0csp-{}",
            b64u(r, 43)
        )),
        f!(keyed "squarespace-access-token", SquarespaceToken, "SQUARESPACE_API_KEY", uuid),
        f!("stripe-access-token", StripeSecretKey, "STRIPE_SECRET_KEY", |r| format!("sk_live_{}", an(r, 99))),
        f!("x-stripe-restricted-key", StripeRestrictedKey, "STRIPE_RESTRICTED_KEY", |r| format!(
            "rk_live_{}",
            an(r, 99)
        )),
        f!(keyed "sumologic-access-token", SumologicToken, "SUMO_ACCESS_KEY", |r| an(r, 64)),
        f!("telegram-bot-api-token", TelegramBotToken, "TELEGRAM_BOT_TOKEN", |r| format!(
            "{}:AA{}",
            dig(r, 10),
            b64u(r, 33)
        )),
        f!(keyed "travisci-access-token", TravisciToken, "TRAVIS_API_TOKEN", |r| an(r, 22)),
        f!("twilio-api-key", TwilioApiKey, "TWILIO_API_KEY", |r| format!("SK{}", hx(r, 32))),
        f!(keyed "twitch-api-token", TwitchToken, "TWITCH_CLIENT_SECRET", |r| lan(r, 30)),
        f!(keyed "twitter-access-secret", TwitterToken, "TWITTER_ACCESS_TOKEN_SECRET", |r| an(r, 45)),
        f!(keyed "twitter-access-token", TwitterToken, "TWITTER_ACCESS_TOKEN", |r| format!("{}-{}", dig(r, 19), an(r, 40))),
        f!(keyed "twitter-api-key", TwitterToken, "TWITTER_API_KEY", |r| an(r, 25)),
        f!(keyed "twitter-api-secret", TwitterToken, "TWITTER_API_SECRET", |r| an(r, 50)),
        f!("twitter-bearer-token", TwitterToken, "TWITTER_BEARER_TOKEN", |r| format!(
            "AAAAAAAAAAAAAAAAAAAAA{}%3D{}",
            an(r, 40),
            an(r, 50)
        )),
        f!("typeform-api-token", TypeformToken, "TYPEFORM_TOKEN", |r| format!("tfp_{}", b64u(r, 59))),
        f!("vault-batch-token", VaultToken, "VAULT_TOKEN", |r| format!("hvb.{}", b64u(r, 160))),
        f!("vault-service-token", VaultToken, "VAULT_TOKEN", |r| format!("hvs.{}", b64u(r, 95))),
        f!(keyed "x-vault-legacy-token", VaultToken, "VAULT_TOKEN", |r| format!("s.{}", an(r, 24))),
        f!(keyed "yandex-access-token", YandexToken, "YANDEX_IAM_TOKEN", |r| format!("t1.{}.{}", b64u(r, 40), b64u(r, 86))),
        f!(keyed "yandex-api-key", YandexToken, "YANDEX_API_KEY", |r| format!("AQVN{}", b64u(r, 36))),
        f!(keyed "yandex-aws-access-token", YandexToken, "YANDEX_ACCESS_KEY", |r| format!("YC{}", b64u(r, 38))),
        f!(keyed "zendesk-secret-key", ZendeskToken, "ZENDESK_API_TOKEN", |r| an(r, 40)),
        // ---- kinds gitleaks folds into one rule, and this enzyme's extras --
        f!(block "private-key", RsaPrivateKey, "-", |r| pem(r, "RSA PRIVATE KEY", 12)),
        f!(block "x-ec-private-key", EcPrivateKey, "-", |r| pem(r, "EC PRIVATE KEY", 3)),
        f!(block "x-openssh-private-key", OpensshPrivateKey, "-", |r| pem(r, "OPENSSH PRIVATE KEY", 7)),
        f!(block "x-pkcs8-private-key", PemPrivateKey, "-", |r| pem(r, "PRIVATE KEY", 16)),
        f!(block "x-encrypted-private-key", PemPrivateKey, "-", |r| pem(r, "ENCRYPTED PRIVATE KEY", 18)),
        f!(block "x-pgp-private-key", PgpPrivateKey, "-", |r| pem(r, "PGP PRIVATE KEY BLOCK", 20)),
        f!(block "x-putty-private-key", PuttyPrivateKey, "-", putty),
        f!("x-azure-storage-key", AzureStorageKey, "AZURE_STORAGE_CONNECTION_STRING", |r| format!("{}==", b64(r, 86))),
        f!("x-twilio-auth-token", TwilioAuthToken, "TWILIO_AUTH_TOKEN", |r| hx(r, 32)),
        f!("x-stripe-webhook-secret", StripeWebhookSecret, "STRIPE_WEBHOOK_SECRET", |r| format!("whsec_{}", an(r, 32))),
        f!("x-discord-bot-token", DiscordBotToken, "DISCORD_BOT_TOKEN", |r| {
            let id = dig(r, 18);
            format!("{}.{}.{}", b64_encode(id.as_bytes(), true), b64u(r, 6), b64u(r, 38))
        }),
        f!("x-google-oauth-access-token", GoogleOauthToken, "GOOGLE_ACCESS_TOKEN", |r| format!(
            "ya29.a0{}",
            b64u(r, 160)
        )),
        f!("x-google-oauth-refresh-token", GoogleOauthToken, "GOOGLE_REFRESH_TOKEN", |r| format!(
            "1//0{}",
            b64u(r, 99)
        )),
        f!("x-xai-api-key", XaiApiKey, "XAI_API_KEY", |r| format!("xai-{}", an(r, 80))),
        f!("x-groq-api-key", GroqApiKey, "GROQ_API_KEY", |r| format!("gsk_{}", an(r, 52))),
        f!("x-replicate-token", ReplicateToken, "REPLICATE_API_TOKEN", |r| format!("r8_{}", an(r, 37))),
        f!("x-url-password", UrlPassword, "DATABASE_URL", password),
        f!("x-basic-auth", BasicAuth, "AUTHORIZATION", |r| b64_encode(
            format!("deploy:{}", password(r)).as_bytes(),
            false
        )),
        f!("x-docker-auth", BasicAuth, "auth", |r| b64_encode(format!("ci-bot:{}", password(r)).as_bytes(), false)),
    ]
}

/// gitleaks rule ids (its `config/gitleaks.toml`) and what covers them
/// here: format ids above, or `SKIP: <why>`.
pub const GITLEAKS: &[(&str, &str)] = &[
    ("1password-secret-key", "1password-secret-key"),
    ("1password-service-account-token", "1password-service-account-token"),
    ("adafruit-api-key", "adafruit-api-key"),
    ("adobe-client-id", "SKIP: an OAuth client id is an identifier, not a secret"),
    ("adobe-client-secret", "adobe-client-secret"),
    ("age-secret-key", "age-secret-key"),
    ("airtable-api-key", "airtable-api-key"),
    ("airtable-personnal-access-token", "airtable-personnal-access-token"),
    ("algolia-api-key", "algolia-api-key"),
    ("alibaba-access-key-id", "alibaba-access-key-id"),
    ("alibaba-secret-key", "alibaba-secret-key"),
    ("anthropic-admin-api-key", "anthropic-admin-api-key"),
    ("anthropic-api-key", "anthropic-api-key"),
    ("artifactory-api-key", "artifactory-api-key"),
    ("artifactory-reference-token", "artifactory-reference-token"),
    ("asana-client-id", "SKIP: an OAuth client id is an identifier, not a secret"),
    ("asana-client-secret", "asana-client-secret"),
    ("atlassian-api-token", "atlassian-api-token,atlassian-api-token-v2"),
    ("authress-service-client-access-key", "authress-service-client-access-key"),
    ("aws-access-token", "aws-access-token,x-aws-secret-access-key"),
    ("aws-amazon-bedrock-api-key-long-lived", "aws-amazon-bedrock-api-key-long-lived"),
    ("aws-amazon-bedrock-api-key-short-lived", "aws-amazon-bedrock-api-key-short-lived"),
    ("azure-ad-client-secret", "azure-ad-client-secret"),
    ("beamer-api-token", "beamer-api-token"),
    ("bitbucket-client-id", "SKIP: an OAuth client id is an identifier, not a secret"),
    ("bitbucket-client-secret", "bitbucket-client-secret"),
    ("bittrex-access-key", "bittrex-access-key"),
    ("bittrex-secret-key", "bittrex-secret-key"),
    ("cisco-meraki-api-key", "cisco-meraki-api-key"),
    ("clickhouse-cloud-api-secret-key", "clickhouse-cloud-api-secret-key"),
    ("clojars-api-token", "clojars-api-token"),
    ("cloudflare-api-key", "cloudflare-api-key"),
    ("cloudflare-global-api-key", "cloudflare-global-api-key"),
    ("cloudflare-origin-ca-key", "cloudflare-origin-ca-key"),
    ("codecov-access-token", "codecov-access-token"),
    ("cohere-api-token", "cohere-api-token"),
    ("coinbase-access-token", "coinbase-access-token"),
    ("confluent-access-token", "confluent-access-token"),
    ("confluent-secret-key", "confluent-secret-key"),
    ("contentful-delivery-api-token", "contentful-delivery-api-token"),
    ("curl-auth-header", "curl-auth-header"),
    ("curl-auth-user", "curl-auth-user"),
    ("databricks-api-token", "databricks-api-token"),
    ("datadog-access-token", "datadog-access-token,x-datadog-api-key"),
    ("defined-networking-api-token", "defined-networking-api-token"),
    ("digitalocean-access-token", "digitalocean-access-token"),
    ("digitalocean-pat", "digitalocean-pat"),
    ("digitalocean-refresh-token", "digitalocean-refresh-token"),
    ("discord-api-token", "discord-api-token"),
    ("discord-client-id", "SKIP: an OAuth client id is an identifier, not a secret"),
    ("discord-client-secret", "discord-client-secret"),
    ("doppler-api-token", "doppler-api-token"),
    ("droneci-access-token", "droneci-access-token"),
    ("dropbox-api-token", "dropbox-api-token"),
    ("dropbox-long-lived-api-token", "dropbox-long-lived-api-token"),
    ("dropbox-short-lived-api-token", "dropbox-short-lived-api-token"),
    ("duffel-api-token", "duffel-api-token"),
    ("dynatrace-api-token", "dynatrace-api-token"),
    ("easypost-api-token", "easypost-api-token"),
    ("easypost-test-api-token", "easypost-test-api-token"),
    ("etsy-access-token", "etsy-access-token"),
    ("facebook-access-token", "facebook-access-token"),
    ("facebook-page-access-token", "facebook-page-access-token"),
    ("facebook-secret", "facebook-secret"),
    ("fastly-api-token", "fastly-api-token"),
    ("finicity-api-token", "finicity-api-token"),
    ("finicity-client-secret", "finicity-client-secret"),
    ("finnhub-access-token", "finnhub-access-token"),
    ("flickr-access-token", "flickr-access-token"),
    ("flutterwave-encryption-key", "flutterwave-encryption-key"),
    ("flutterwave-public-key", "SKIP: a public key, published by design (like Stripe pk_)"),
    ("flutterwave-secret-key", "flutterwave-secret-key"),
    ("flyio-access-token", "flyio-access-token,x-flyio-macaroon"),
    ("frameio-api-token", "frameio-api-token"),
    ("freemius-secret-key", "freemius-secret-key"),
    ("freshbooks-access-token", "freshbooks-access-token"),
    ("gcp-api-key", "gcp-api-key"),
    (
        "generic-api-key",
        "generic-api-key,x-generic-client-secret,x-generic-auth-token,x-generic-password,x-generic-credentials",
    ),
    ("github-app-token", "github-app-token"),
    ("github-fine-grained-pat", "github-fine-grained-pat"),
    ("github-oauth", "github-oauth"),
    ("github-pat", "github-pat"),
    ("github-refresh-token", "github-refresh-token"),
    ("gitlab-cicd-job-token", "gitlab-cicd-job-token"),
    ("gitlab-deploy-token", "gitlab-deploy-token"),
    ("gitlab-feature-flag-client-token", "gitlab-feature-flag-client-token"),
    ("gitlab-feed-token", "gitlab-feed-token"),
    ("gitlab-incoming-mail-token", "gitlab-incoming-mail-token"),
    ("gitlab-kubernetes-agent-token", "gitlab-kubernetes-agent-token"),
    ("gitlab-oauth-app-secret", "gitlab-oauth-app-secret"),
    ("gitlab-pat", "gitlab-pat"),
    ("gitlab-pat-routable", "gitlab-pat-routable"),
    ("gitlab-ptt", "gitlab-ptt"),
    ("gitlab-rrt", "gitlab-rrt"),
    ("gitlab-runner-authentication-token", "gitlab-runner-authentication-token"),
    ("gitlab-runner-authentication-token-routable", "gitlab-runner-authentication-token-routable"),
    ("gitlab-scim-token", "gitlab-scim-token"),
    ("gitlab-session-cookie", "gitlab-session-cookie"),
    ("gitter-access-token", "gitter-access-token"),
    ("gocardless-api-token", "gocardless-api-token"),
    ("grafana-api-key", "grafana-api-key"),
    ("grafana-cloud-api-token", "grafana-cloud-api-token"),
    ("grafana-service-account-token", "grafana-service-account-token"),
    ("harness-api-key", "harness-api-key"),
    ("hashicorp-tf-api-token", "hashicorp-tf-api-token"),
    ("hashicorp-tf-password", "hashicorp-tf-password"),
    ("heroku-api-key", "heroku-api-key"),
    ("heroku-api-key-v2", "heroku-api-key-v2"),
    ("hubspot-api-key", "hubspot-api-key"),
    ("huggingface-access-token", "huggingface-access-token"),
    ("huggingface-organization-api-token", "huggingface-organization-api-token"),
    ("infracost-api-token", "infracost-api-token"),
    ("intercom-api-key", "intercom-api-key"),
    ("intra42-client-secret", "intra42-client-secret"),
    ("jfrog-api-key", "jfrog-api-key"),
    ("jfrog-identity-token", "jfrog-identity-token"),
    ("jwt", "jwt"),
    ("jwt-base64", "jwt-base64"),
    ("kraken-access-token", "kraken-access-token"),
    ("kubernetes-secret-yaml", "kubernetes-secret-yaml"),
    ("kucoin-access-token", "kucoin-access-token"),
    ("kucoin-secret-key", "kucoin-secret-key"),
    ("launchdarkly-access-token", "launchdarkly-access-token"),
    ("linear-api-key", "linear-api-key"),
    ("linear-client-secret", "linear-client-secret"),
    ("linkedin-client-id", "SKIP: an OAuth client id is an identifier, not a secret"),
    ("linkedin-client-secret", "linkedin-client-secret"),
    ("lob-api-key", "lob-api-key"),
    ("lob-pub-api-key", "SKIP: a publishable key, public by design"),
    ("looker-client-id", "SKIP: an OAuth client id is an identifier, not a secret"),
    ("looker-client-secret", "looker-client-secret"),
    ("mailchimp-api-key", "mailchimp-api-key"),
    ("mailgun-private-api-token", "mailgun-private-api-token"),
    ("mailgun-pub-key", "SKIP: Mailgun's public validation key, public by design"),
    ("mailgun-signing-key", "mailgun-signing-key"),
    (
        "mapbox-api-token",
        "SKIP: pk. tokens are Mapbox's public (client-side) tokens; the secret sk. tokens are covered by x-mapbox-secret-token",
    ),
    ("mattermost-access-token", "mattermost-access-token"),
    ("maxmind-license-key", "maxmind-license-key"),
    ("messagebird-api-token", "messagebird-api-token"),
    ("messagebird-client-id", "SKIP: an OAuth client id is an identifier, not a secret"),
    ("microsoft-teams-webhook", "microsoft-teams-webhook"),
    ("netlify-access-token", "netlify-access-token"),
    ("new-relic-browser-api-token", "new-relic-browser-api-token"),
    ("new-relic-insert-key", "new-relic-insert-key"),
    ("new-relic-user-api-id", "SKIP: an account / user id, an identifier"),
    ("new-relic-user-api-key", "new-relic-user-api-key"),
    ("notion-api-token", "notion-api-token"),
    ("npm-access-token", "npm-access-token"),
    ("nuget-config-password", "nuget-config-password"),
    ("nytimes-access-token", "nytimes-access-token"),
    ("octopus-deploy-api-key", "octopus-deploy-api-key"),
    ("okta-access-token", "okta-access-token"),
    ("openai-api-key", "openai-api-key,x-openai-legacy-key"),
    ("openshift-user-token", "openshift-user-token"),
    ("perplexity-api-key", "perplexity-api-key"),
    ("pkcs12-file", "SKIP: matches binary .p12/.pfx files by path; spans hold text, not files"),
    ("plaid-api-token", "plaid-api-token"),
    ("plaid-client-id", "SKIP: an OAuth client id is an identifier, not a secret"),
    ("plaid-secret-key", "plaid-secret-key"),
    ("planetscale-api-token", "planetscale-api-token"),
    ("planetscale-oauth-token", "planetscale-oauth-token"),
    ("planetscale-password", "planetscale-password"),
    ("postman-api-token", "postman-api-token"),
    ("prefect-api-token", "prefect-api-token"),
    (
        "private-key",
        "private-key,x-ec-private-key,x-openssh-private-key,x-pkcs8-private-key,x-encrypted-private-key,x-pgp-private-key",
    ),
    ("privateai-api-token", "privateai-api-token"),
    ("pulumi-api-token", "pulumi-api-token"),
    ("pypi-upload-token", "pypi-upload-token"),
    ("rapidapi-access-token", "rapidapi-access-token"),
    ("readme-api-token", "readme-api-token"),
    ("rubygems-api-token", "rubygems-api-token"),
    ("scalingo-api-token", "scalingo-api-token"),
    ("sendbird-access-id", "SKIP: an application id, an identifier"),
    ("sendbird-access-token", "sendbird-access-token"),
    ("sendgrid-api-token", "sendgrid-api-token"),
    ("sendinblue-api-token", "sendinblue-api-token"),
    ("sentry-access-token", "sentry-access-token"),
    ("sentry-org-token", "sentry-org-token"),
    ("sentry-user-token", "sentry-user-token"),
    ("settlemint-application-access-token", "settlemint-application-access-token"),
    ("settlemint-personal-access-token", "settlemint-personal-access-token"),
    ("settlemint-service-access-token", "settlemint-service-access-token"),
    ("shippo-api-token", "shippo-api-token"),
    ("shopify-access-token", "shopify-access-token"),
    ("shopify-custom-access-token", "shopify-custom-access-token"),
    ("shopify-private-app-access-token", "shopify-private-app-access-token"),
    ("shopify-shared-secret", "shopify-shared-secret"),
    ("sidekiq-secret", "sidekiq-secret"),
    ("sidekiq-sensitive-url", "sidekiq-sensitive-url"),
    ("slack-app-token", "slack-app-token"),
    ("slack-bot-token", "slack-bot-token"),
    ("slack-config-access-token", "slack-config-access-token"),
    ("slack-config-refresh-token", "slack-config-refresh-token"),
    ("slack-legacy-bot-token", "slack-legacy-bot-token"),
    ("slack-legacy-token", "slack-legacy-token"),
    ("slack-legacy-workspace-token", "slack-legacy-workspace-token"),
    ("slack-user-token", "slack-user-token"),
    ("slack-webhook-url", "slack-webhook-url"),
    ("snyk-api-token", "snyk-api-token"),
    ("sonar-api-token", "sonar-api-token,x-sonar-legacy-token"),
    ("sourcegraph-access-token", "sourcegraph-access-token"),
    ("square-access-token", "square-access-token,x-square-oauth-secret"),
    ("squarespace-access-token", "squarespace-access-token"),
    ("stripe-access-token", "stripe-access-token,x-stripe-restricted-key"),
    ("sumologic-access-id", "SKIP: an access id, an identifier"),
    ("sumologic-access-token", "sumologic-access-token"),
    ("telegram-bot-api-token", "telegram-bot-api-token"),
    ("travisci-access-token", "travisci-access-token"),
    ("twilio-api-key", "twilio-api-key"),
    ("twitch-api-token", "twitch-api-token"),
    ("twitter-access-secret", "twitter-access-secret"),
    ("twitter-access-token", "twitter-access-token"),
    ("twitter-api-key", "twitter-api-key"),
    ("twitter-api-secret", "twitter-api-secret"),
    ("twitter-bearer-token", "twitter-bearer-token"),
    ("typeform-api-token", "typeform-api-token"),
    ("vault-batch-token", "vault-batch-token"),
    ("vault-service-token", "vault-service-token,x-vault-legacy-token"),
    ("yandex-access-token", "yandex-access-token"),
    ("yandex-api-key", "yandex-api-key"),
    ("yandex-aws-access-token", "yandex-aws-access-token"),
    ("zendesk-secret-key", "zendesk-secret-key"),
];
