//! The detection rules: one regex each, the literal triggers that let the
//! scanner skip it cheaply, where the secret sits in the match, and which
//! extra check a match must pass.

use crate::kinds::Kind;

/// Characters that must NOT touch a secret on one side, or the match is
/// part of a longer word and is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// No check.
    Any,
    /// Not `[A-Za-z0-9]`.
    Alnum,
    /// Not `[A-Za-z0-9_]`.
    Word,
    /// Not `[A-Za-z0-9_-]`.
    Token,
    /// Not `[A-Za-z0-9_.-]`.
    TokenDot,
    /// Not `[A-Za-z0-9+/]`.
    B64,
    /// Not `[A-Za-z0-9+/=]`.
    B64Eq,
    /// Not `[0-9]`.
    Digit,
    /// Not `[A-Za-z0-9_~.-]`.
    AzureSecret,
}

impl Bound {
    /// Does `c` violate the bound?
    pub fn blocks(self, c: char) -> bool {
        let an = c.is_ascii_alphanumeric();
        match self {
            Bound::Any => false,
            Bound::Alnum => an,
            Bound::Word => an || c == '_',
            Bound::Token => an || c == '_' || c == '-',
            Bound::TokenDot => an || matches!(c, '_' | '-' | '.'),
            Bound::B64 => an || matches!(c, '+' | '/'),
            Bound::B64Eq => an || matches!(c, '+' | '/' | '='),
            Bound::Digit => c.is_ascii_digit(),
            Bound::AzureSecret => an || matches!(c, '_' | '~' | '.' | '-'),
        }
    }
}

/// The extra check a match must pass, beyond its regex and bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// None: the regex is specific enough.
    None,
    /// The secret mixes character classes (letters and digits, or both cases).
    Mixed,
    /// Mixed, and exactly 40 characters.
    AwsSecret,
    /// `sv=` (the SAS version) appears shortly before `sig=`.
    SasSig,
    /// The text mentions Twilio or holds an account SID.
    Twilio,
    /// The first segment is base64 of a numeric Discord id.
    Discord,
    /// A PEM private-key block: the kind depends on the header (`RSA`,
    /// `EC`, `OPENSSH`, `PGP`, …) and the body must be base64 lines.
    Pem,
    /// A PuTTY private-key file: its lines are `Name: value` headers and
    /// base64, and it has a `Private-Lines:` section.
    Putty,
    /// A URL password: not a placeholder, not a default or local test
    /// credential (README, "Test credentials").
    UrlPassword,
    /// A bearer token: not a placeholder; random-looking unless after
    /// `Authorization:`.
    Bearer,
    /// A bare `Authorization: <token>` value (no scheme word).
    AuthHeader,
    /// Base64 that decodes to printable `user:password`.
    Basic,
    /// A base64-encoded JWT (`ZXlK…`).
    JwtBase64,
    /// `key = value` (groups `k`, `sep`, `v`): the key names a provider and
    /// the value has its shape, or the key names a secret and the value is
    /// one. Only literal values count (README, "Only literals").
    Assignment,
    /// `--password value` (groups `k`, `v`).
    Flag,
    /// `<password>value</password>` or `key="Password" value="…"` (groups `k`, `v`).
    Xml,
    /// `curl -u user:password` (group `s`).
    CurlUser,
    /// A short CLI password flag (`mysql -p…`, `redis-cli -a …`, `sshpass -p …`)
    /// or a `.netrc` password.
    CliPassword,
    /// `kind: Secret`: every value under its `data:` / `stringData:`.
    K8sSecret,
    /// "the password is X" (group `s`, keyword group `k`). Recognised in code
    /// from the keyword triggers (`scan::keyword_at`, `scan::prose_value`);
    /// the regex is the specification the unit tests hold the code to.
    Prose,
    /// A keyword; the scanner looks for a random-looking word right after
    /// it. In code from the triggers, like `Prose`.
    EntropyWindow,
}

/// One rule as written in the table.
#[derive(Debug, Clone, Copy)]
pub struct RuleDef {
    /// The kind reported (a Pem or keyword rule may report others, see `emits`).
    pub kind: Kind,
    /// Every kind this rule may report: the rule is compiled when any is enabled.
    pub emits: &'static [Kind],
    pub pattern: &'static str,
    /// Lower-case literals, one of which occurs (ASCII case-insensitively) in
    /// every match: the prefilter runs the regex only when one is present.
    pub triggers: &'static [&'static str],
    /// Overlapping findings: the highest priority names the redaction.
    pub priority: u8,
    /// Checked on the character before the match.
    pub left: Bound,
    /// Checked on the character after the secret.
    pub right: Bound,
    pub check: Check,
    /// Run the regex only on the lines around its triggers (set for every
    /// rule whose matches never span lines), not over the whole text.
    pub line_scoped: bool,
    /// For line-scoped rules: a window is searched only if it contains one
    /// of these bytes (empty: always).
    pub gate: &'static [u8],
}

const fn rule(
    kind: Kind,
    pattern: &'static str,
    triggers: &'static [&'static str],
    priority: u8,
    left: Bound,
    right: Bound,
    check: Check,
) -> RuleDef {
    RuleDef { kind, emits: &[], pattern, triggers, priority, left, right, check, line_scoped: false, gate: b"" }
}

/// Priorities: a token with its own prefix beats a structural rule, which
/// beats a keyword assignment, which beats the entropy heuristic.
pub const P_SPECIFIC: u8 = 4;
pub const P_PREFIX: u8 = 3;
pub const P_STRUCT: u8 = 2;
pub const P_KEYWORD: u8 = 1;
pub const P_ENTROPY: u8 = 0;

const KEYWORD_KINDS: &[Kind] = &[Kind::Password, Kind::Secret, Kind::Token, Kind::ApiKey];
/// What an assignment may report: a keyword kind, a provider's kind, or
/// `basic_auth` (a Docker `"auth"` value).
const ASSIGNMENT_KINDS: &[Kind] = &[
    Kind::Password,
    Kind::Secret,
    Kind::Token,
    Kind::ApiKey,
    Kind::BasicAuth,
    Kind::AdafruitApiKey,
    Kind::AirtableApiKey,
    Kind::AlgoliaApiKey,
    Kind::AlibabaSecretKey,
    Kind::ArtifactoryToken,
    Kind::AsanaToken,
    Kind::AtlassianApiToken,
    Kind::BeamerApiToken,
    Kind::BitbucketClientSecret,
    Kind::BittrexApiKey,
    Kind::CiscoMerakiApiKey,
    Kind::CloudflareApiKey,
    Kind::CodecovToken,
    Kind::CohereApiKey,
    Kind::CoinbaseAccessToken,
    Kind::ConfluentApiKey,
    Kind::ContentfulToken,
    Kind::DatadogApiKey,
    Kind::DiscordClientSecret,
    Kind::DroneciToken,
    Kind::DropboxToken,
    Kind::EtsyToken,
    Kind::FacebookAppSecret,
    Kind::FastlyApiToken,
    Kind::FinicitySecret,
    Kind::FinnhubToken,
    Kind::FlickrToken,
    Kind::FreshbooksToken,
    Kind::GitterToken,
    Kind::GocardlessToken,
    Kind::HerokuApiKey,
    Kind::HubspotApiKey,
    Kind::IntercomToken,
    Kind::KrakenApiKey,
    Kind::KucoinApiKey,
    Kind::LaunchdarklyToken,
    Kind::LinearApiKey,
    Kind::LinkedinClientSecret,
    Kind::LobApiKey,
    Kind::LookerClientSecret,
    Kind::MailgunApiKey,
    Kind::MattermostToken,
    Kind::MessagebirdApiKey,
    Kind::NetlifyToken,
    Kind::NytimesToken,
    Kind::OktaToken,
    Kind::PlaidSecret,
    Kind::PrivateaiApiKey,
    Kind::RapidapiKey,
    Kind::SendbirdToken,
    Kind::SentryToken,
    Kind::SidekiqCredentials,
    Kind::SnykToken,
    Kind::SonarToken,
    Kind::SourcegraphToken,
    Kind::SquarespaceToken,
    Kind::SumologicToken,
    Kind::TelegramBotToken,
    Kind::TravisciToken,
    Kind::TwitchToken,
    Kind::TwitterToken,
    Kind::VaultToken,
    Kind::YandexToken,
    Kind::ZendeskToken,
];
const PEM_KINDS: &[Kind] =
    &[Kind::RsaPrivateKey, Kind::EcPrivateKey, Kind::OpensshPrivateKey, Kind::PgpPrivateKey, Kind::PemPrivateKey];

/// Triggers of the keyword rules (a key ending in one of these words).
const KEYWORD_TRIGGERS: &[&str] = &["pass", "pwd", "secret", "token", "key"];
/// Triggers of the assignment rule: the keywords, `cred` (`credentials`),
/// and the `value:` / `default =` that carry the value of a variable named
/// on the line above (Kubernetes `env`, Terraform `variable`).
const ASSIGNMENT_TRIGGERS: &[&str] =
    &["pass", "pwd", "secret", "token", "key", "cred", "value:", "value\":", "default =", "default="];

use Bound as B;
use Check as C;
use Kind as K;

/// The rule table. Named group `s` is the secret (the whole match when
/// absent); keyword rules use `k` (the key) and `v` (the raw value).
pub fn table() -> Vec<RuleDef> {
    let mut t = vec![
        // ---- cloud -------------------------------------------------------
        rule(
            K::AwsAccessKeyId,
            r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}",
            &["akia", "asia", "abia", "acca", "a3t"],
            P_PREFIX,
            B::Alnum,
            B::Alnum,
            C::None,
        ),
        rule(
            K::AwsSecretAccessKey,
            r#"(?i-u:(?:aws[ _.\-]?)?secret[ _.\-]?access[ _.\-]?key|aws[ _.\-]?secret(?:[ _.\-]?key)?)["']?[ \t]*(?:=>|:=|[:=,])?[ \t]*["']?(?P<s>[A-Za-z0-9/+]{40,})"#,
            &["secret"],
            P_PREFIX,
            B::Any,
            B::B64Eq,
            C::AwsSecret,
        ),
        rule(
            K::AwsSecretAccessKey,
            r#"(?:AKIA|ASIA)[A-Z0-9]{16}["']?[ \t]*[,:;|\t][ \t]*["']?(?P<s>[A-Za-z0-9/+]{40,})"#,
            &["akia", "asia"],
            P_PREFIX,
            B::Alnum,
            B::B64Eq,
            C::AwsSecret,
        ),
        rule(
            K::AwsBedrockApiKey,
            r"ABSK[A-Za-z0-9+/]{109,269}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/]*={0,2}",
            &["absk", "bedrock-api-key-"],
            P_PREFIX,
            B::B64,
            B::B64Eq,
            C::None,
        ),
        rule(K::GcpApiKey, r"AIza[0-9A-Za-z_\-]{35}", &["aiza"], P_PREFIX, B::Token, B::Token, C::None),
        rule(
            K::GcpServiceAccount,
            r#""private_key"[ \t]*:[ \t]*"(?P<s>-----BEGIN (?:RSA )?PRIVATE KEY-----[A-Za-z0-9+/=\\ \r\n]*?-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?)""#,
            &["\"private_key\""],
            P_SPECIFIC,
            B::Any,
            B::Any,
            C::None,
        ),
        rule(
            K::GcpServiceAccount,
            r#""private_key_id"[ \t]*:[ \t]*"(?P<s>[0-9a-f]{40})""#,
            &["\"private_key_id\""],
            P_SPECIFIC,
            B::Any,
            B::Any,
            C::None,
        ),
        rule(
            K::GcpOauthClientSecret,
            r"GOCSPX-[A-Za-z0-9_\-]{28}",
            &["gocspx-"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(
            K::AzureStorageKey,
            r"(?i-u:AccountKey)[ \t]*=[ \t]*(?P<s>[A-Za-z0-9+/]{40,}={0,2})",
            &["accountkey"],
            P_PREFIX,
            B::Alnum,
            B::B64Eq,
            C::None,
        ),
        rule(
            K::AzureSharedAccessKey,
            r"(?i-u:SharedAccessKey)[ \t]*=[ \t]*(?P<s>[A-Za-z0-9+/]{20,}={0,2})",
            &["sharedaccesskey"],
            P_PREFIX,
            B::Alnum,
            B::B64Eq,
            C::None,
        ),
        rule(
            K::AzureSasToken,
            r"[?&;]sig=(?P<s>[A-Za-z0-9%+/]{20,}(?:%3[dD]|=){0,2})",
            &["sig="],
            P_PREFIX,
            B::Any,
            B::B64Eq,
            C::SasSig,
        ),
        rule(
            K::AzureAdClientSecret,
            r"[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34}",
            &["q~"],
            P_PREFIX,
            B::AzureSecret,
            B::AzureSecret,
            C::Mixed,
        ),
        rule(K::AlibabaAccessKeyId, r"LTAI[A-Za-z0-9]{20}", &["ltai"], P_PREFIX, B::Alnum, B::Alnum, C::Mixed),
        rule(
            K::CloudflareOriginCaKey,
            r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}",
            &["v1.0-"],
            P_PREFIX,
            B::TokenDot,
            B::Alnum,
            C::None,
        ),
        rule(K::DatabricksToken, r"dapi[a-f0-9]{32}(?:-[0-9])?", &["dapi"], P_PREFIX, B::Word, B::Alnum, C::Mixed),
        rule(
            K::DigitaloceanToken,
            r"do[opr]_v1_[a-f0-9]{64}",
            &["dop_v1_", "doo_v1_", "dor_v1_"],
            P_PREFIX,
            B::Word,
            B::Alnum,
            C::None,
        ),
        rule(
            K::TerraformCloudToken,
            r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70}",
            &["atlasv1"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(
            K::VaultToken,
            r"hvs\.[A-Za-z0-9_\-]{90,120}|hvb\.[A-Za-z0-9_\-]{138,300}",
            &["hvs.", "hvb."],
            P_PREFIX,
            B::TokenDot,
            B::Token,
            C::None,
        ),
        rule(K::OpenshiftToken, r"sha256~[A-Za-z0-9_\-]{43}", &["sha256~"], P_PREFIX, B::Any, B::Token, C::None),
        rule(
            K::FlyioToken,
            r"fo1_[A-Za-z0-9_\-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3}",
            &["fo1_", "fm1a_", "fm1r_", "fm2_"],
            P_PREFIX,
            B::Word,
            B::B64Eq,
            C::None,
        ),
        rule(K::HerokuApiKey, r"HRKU-AA[0-9A-Za-z_\-]{58}", &["hrku-aa"], P_PREFIX, B::Token, B::Token, C::None),
        rule(K::ScalingoToken, r"tk-us-[A-Za-z0-9_\-]{48}", &["tk-us-"], P_PREFIX, B::Token, B::Token, C::None),
        rule(
            K::PlanetscaleToken,
            r"pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_=.\-]{32,64}",
            &["pscale_"],
            P_PREFIX,
            B::Word,
            B::TokenDot,
            C::None,
        ),
        rule(K::PulumiToken, r"pul-[a-f0-9]{40}", &["pul-"], P_PREFIX, B::Token, B::Alnum, C::None),
        rule(
            K::DopplerToken,
            r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}",
            &["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
            P_PREFIX,
            B::TokenDot,
            B::Alnum,
            C::None,
        ),
        // ---- VCS and registries -----------------------------------------
        rule(K::GithubPat, r"ghp_[A-Za-z0-9]{36,}", &["ghp_"], P_PREFIX, B::Word, B::Word, C::None),
        rule(
            K::GithubFineGrainedPat,
            r"github_pat_[A-Za-z0-9_]{70,}",
            &["github_pat_"],
            P_PREFIX,
            B::Word,
            B::Word,
            C::None,
        ),
        rule(K::GithubOauthToken, r"gho_[A-Za-z0-9]{36,}", &["gho_"], P_PREFIX, B::Word, B::Word, C::None),
        rule(K::GithubAppToken, r"gh[us]_[A-Za-z0-9]{36,}", &["ghu_", "ghs_"], P_PREFIX, B::Word, B::Word, C::None),
        rule(K::GithubRefreshToken, r"ghr_[A-Za-z0-9]{36,}", &["ghr_"], P_PREFIX, B::Word, B::Word, C::None),
        rule(
            K::GitlabPat,
            r"glpat-[A-Za-z0-9_\-]{20,300}(?:\.[0-9a-z]{2}\.?[0-9a-z]{7})?",
            &["glpat-"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(
            K::GitlabToken,
            r"(?:glptt-[0-9a-f]{40}|glrt-(?:t[0-9]_)?[A-Za-z0-9_\-]{20,300}(?:\.[0-9a-z]{2}\.?[0-9a-z]{7})?|gldt-[A-Za-z0-9_\-]{20,}|glcbt-[0-9A-Za-z]{1,5}_[0-9A-Za-z_\-]{20,}|glffct-[0-9A-Za-z_\-]{20,}|glft-[0-9A-Za-z_\-]{20,}|glimt-[0-9A-Za-z_\-]{25,}|glagent-[0-9A-Za-z_\-]{50,}|gloas-[0-9A-Za-z_\-]{64,}|glsoat-[0-9A-Za-z_\-]{20,}|GR1348941[A-Za-z0-9_\-]{20,})",
            &[
                "glptt-",
                "glrt-",
                "gldt-",
                "glcbt-",
                "glffct-",
                "glft-",
                "glimt-",
                "glagent-",
                "gloas-",
                "glsoat-",
                "gr1348941",
            ],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(
            K::GitlabToken,
            r"_gitlab_session=(?P<s>[0-9a-z]{32})",
            &["_gitlab_session="],
            P_PREFIX,
            B::Any,
            B::Alnum,
            C::None,
        ),
        rule(K::NpmToken, r"npm_[A-Za-z0-9]{36,}", &["npm_"], P_PREFIX, B::Word, B::Word, C::Mixed),
        rule(
            K::PypiToken,
            r"pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,}",
            &["pypi-ag"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(K::RubygemsApiKey, r"rubygems_[a-f0-9]{48}", &["rubygems_"], P_PREFIX, B::Word, B::Alnum, C::None),
        rule(K::ClojarsToken, r"(?i-u:CLOJARS_)[A-Za-z0-9]{60}", &["clojars_"], P_PREFIX, B::Word, B::Alnum, C::Mixed),
        rule(
            K::ArtifactoryToken,
            r"AKCp[A-Za-z0-9]{69}|cmVmd[A-Za-z0-9]{59}",
            &["akcp", "cmvmd"],
            P_PREFIX,
            B::Alnum,
            B::Alnum,
            C::Mixed,
        ),
        rule(
            K::SourcegraphToken,
            r"sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}",
            &["sgp_"],
            P_PREFIX,
            B::Word,
            B::Alnum,
            C::None,
        ),
        rule(
            K::SonarToken,
            r"sq[upa]_[a-fA-F0-9]{40}",
            &["squ_", "sqp_", "sqa_"],
            P_PREFIX,
            B::Word,
            B::Alnum,
            C::None,
        ),
        rule(K::PrefectApiKey, r"pnu_[A-Za-z0-9]{36}", &["pnu_"], P_PREFIX, B::Word, B::Alnum, C::Mixed),
        rule(K::InfracostToken, r"ico-[A-Za-z0-9]{32}", &["ico-"], P_PREFIX, B::TokenDot, B::Alnum, C::Mixed),
        rule(K::ReadmeApiKey, r"rdme_[a-z0-9]{70}", &["rdme_"], P_PREFIX, B::Word, B::Alnum, C::Mixed),
        rule(
            K::SettlemintToken,
            r"sm_(?:aat|pat|sat)_[A-Za-z0-9]{16}",
            &["sm_aat_", "sm_pat_", "sm_sat_"],
            P_PREFIX,
            B::Word,
            B::Alnum,
            C::Mixed,
        ),
        rule(
            K::HarnessApiKey,
            r"(?:pat|sat)\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}",
            &["pat.", "sat."],
            P_PREFIX,
            B::Alnum,
            B::Alnum,
            C::None,
        ),
        // ---- chat, payment, SaaS ----------------------------------------
        rule(
            K::SlackBotToken,
            r"xoxb-[0-9]{8,14}-[A-Za-z0-9\-]{18,}",
            &["xoxb-"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::Mixed,
        ),
        rule(
            K::SlackUserToken,
            r"xoxp-[0-9]{8,14}-[0-9]{8,14}-[0-9]{8,14}-[A-Za-z0-9\-]{20,}",
            &["xoxp-"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(
            K::SlackAppToken,
            r"(?i-u:xapp)-[0-9]-[A-Za-z0-9]{8,14}-[0-9]{8,16}-[A-Za-z0-9]{32,}",
            &["xapp-"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(
            K::SlackToken,
            r"xox[aeors]-(?:[0-9]{1,14}-)*[A-Za-z0-9]{8,}(?:-[A-Za-z0-9]+)*|xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{100,}",
            &["xoxa-", "xoxe-", "xoxo-", "xoxr-", "xoxs-", "xoxe.xox"],
            P_STRUCT,
            B::Token,
            B::Token,
            C::Mixed,
        ),
        rule(
            K::SlackWebhook,
            r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+\-]{20,}",
            &["hooks.slack.com"],
            P_PREFIX,
            B::TokenDot,
            B::Token,
            C::None,
        ),
        rule(
            K::MicrosoftTeamsWebhook,
            r"https://[A-Za-z0-9\-]+\.webhook\.office\.com/webhookb2/[A-Za-z0-9\-]{36}@[A-Za-z0-9\-]{36}/IncomingWebhook/[A-Za-z0-9]{32}/[A-Za-z0-9\-]{36}(?:/[A-Za-z0-9_\-]+)?",
            &["webhook.office.com"],
            P_PREFIX,
            B::Any,
            B::Token,
            C::None,
        ),
        rule(
            K::StripeSecretKey,
            r"sk_(?:live|test|prod)_[A-Za-z0-9]{10,}",
            &["sk_live_", "sk_test_", "sk_prod_"],
            P_PREFIX,
            B::Word,
            B::Word,
            C::Mixed,
        ),
        rule(
            K::StripeRestrictedKey,
            r"rk_(?:live|test|prod)_[A-Za-z0-9]{10,}",
            &["rk_live_", "rk_test_", "rk_prod_"],
            P_PREFIX,
            B::Word,
            B::Word,
            C::Mixed,
        ),
        rule(K::StripeWebhookSecret, r"whsec_[A-Za-z0-9+/]{24,}", &["whsec_"], P_PREFIX, B::Word, B::Word, C::None),
        rule(
            K::SquareAccessToken,
            r"(?:EAAA|sq0atp-)[A-Za-z0-9_\-]{22,60}|sq0csp-[A-Za-z0-9_\-]{43}",
            &["eaaa", "sq0atp-", "sq0csp-"],
            P_PREFIX,
            B::B64,
            B::Token,
            C::Mixed,
        ),
        rule(
            K::PlaidSecret,
            r"access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            &["access-sandbox-", "access-development-", "access-production-"],
            P_PREFIX,
            B::Token,
            B::Alnum,
            C::None,
        ),
        rule(
            K::FlutterwaveSecretKey,
            r"FLWSECK(?:_TEST)?-?[a-hA-H0-9]{12}(?:[a-hA-H0-9]{20}-X)?",
            &["flwseck"],
            P_PREFIX,
            B::Word,
            B::Alnum,
            C::None,
        ),
        rule(
            K::DuffelToken,
            r"duffel_(?:test|live)_[A-Za-z0-9_=\-]{43}",
            &["duffel_"],
            P_PREFIX,
            B::Word,
            B::Token,
            C::None,
        ),
        rule(
            K::ShippoApiKey,
            r"shippo_(?:live|test)_[a-fA-F0-9]{40}",
            &["shippo_"],
            P_PREFIX,
            B::Word,
            B::Alnum,
            C::None,
        ),
        rule(K::EasypostApiKey, r"EZ[AT]K[A-Za-z0-9]{54}", &["ezak", "eztk"], P_PREFIX, B::Alnum, B::Alnum, C::Mixed),
        rule(K::TwilioAccountSid, r"AC[a-f0-9]{32}", &[], P_PREFIX, B::Alnum, B::Alnum, C::None),
        rule(K::TwilioApiKey, r"SK[a-fA-F0-9]{32}", &[], P_PREFIX, B::Alnum, B::Alnum, C::None),
        rule(
            K::TwilioAuthToken,
            r#"(?i-u:auth[ _.\-]?token)["']?[ \t]*(?:=>|:=|[:=])?[ \t]*["']?(?P<s>[a-f0-9]{32})"#,
            &["auth_token", "authtoken", "auth token", "auth-token", "auth.token"],
            P_PREFIX,
            B::Any,
            B::Alnum,
            C::Twilio,
        ),
        rule(K::TwilioAuthToken, r"AC[a-f0-9]{32}:(?P<s>[a-f0-9]{32})", &[], P_PREFIX, B::Alnum, B::Alnum, C::None),
        rule(
            K::SendgridApiKey,
            r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}",
            &["sg."],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(
            K::SendinblueApiKey,
            r"x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}",
            &["xkeysib-", "xsmtpsib-"],
            P_PREFIX,
            B::Token,
            B::Alnum,
            C::None,
        ),
        rule(K::MailgunApiKey, r"key-[a-f0-9]{32}", &["key-"], P_PREFIX, B::Token, B::Alnum, C::None),
        rule(K::MailchimpApiKey, r"[a-f0-9]{32}-us[0-9]{1,2}", &["-us"], P_PREFIX, B::Alnum, B::Alnum, C::None),
        rule(
            K::OpenaiApiKey,
            r"sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{32,})",
            &["sk-"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::Mixed,
        ),
        rule(K::AnthropicApiKey, r"sk-ant-[A-Za-z0-9_\-]{32,}", &["sk-ant-"], P_SPECIFIC, B::Token, B::Token, C::None),
        rule(K::PerplexityApiKey, r"pplx-[A-Za-z0-9]{48}", &["pplx-"], P_PREFIX, B::Token, B::Alnum, C::Mixed),
        rule(
            K::HuggingfaceToken,
            r"hf_[A-Za-z0-9]{30,}|api_org_[A-Za-z]{34}",
            &["hf_", "api_org_"],
            P_PREFIX,
            B::Word,
            B::Word,
            C::Mixed,
        ),
        rule(
            K::DiscordBotToken,
            r"[MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,40}",
            &[],
            P_PREFIX,
            B::TokenDot,
            B::TokenDot,
            C::Discord,
        ),
        rule(
            K::DiscordWebhook,
            r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,}",
            &["discord"],
            P_PREFIX,
            B::Any,
            B::Token,
            C::None,
        ),
        rule(K::TelegramBotToken, r"[0-9]{8,10}:AA[A-Za-z0-9_\-]{33}", &[":aa"], P_PREFIX, B::Digit, B::Token, C::None),
        rule(
            K::ShopifyToken,
            r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
            &["shpat_", "shpca_", "shppa_", "shpss_"],
            P_PREFIX,
            B::Word,
            B::Alnum,
            C::None,
        ),
        rule(
            K::AgeSecretKey,
            r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
            &["age-secret-key-1"],
            P_PREFIX,
            B::Token,
            B::Alnum,
            C::None,
        ),
        rule(
            K::OnepasswordSecretKey,
            r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
            &["a3-"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::Mixed,
        ),
        rule(
            K::OnepasswordServiceAccountToken,
            r"ops_eyJ[A-Za-z0-9+/]{250,}={0,3}",
            &["ops_eyj"],
            P_PREFIX,
            B::Word,
            B::B64Eq,
            C::None,
        ),
        rule(K::AdobeClientSecret, r"p8e-[A-Za-z0-9]{32}", &["p8e-"], P_PREFIX, B::Token, B::Alnum, C::Mixed),
        rule(K::AirtableApiKey, r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}", &["pat"], P_PREFIX, B::Alnum, B::Alnum, C::Mixed),
        rule(K::AtlassianApiToken, r"ATATT3[A-Za-z0-9_\-=]{186}", &["atatt3"], P_PREFIX, B::Alnum, B::Token, C::None),
        rule(
            K::AuthressAccessKey,
            r"(?:sc|ext|scauth|authress)_[A-Za-z0-9]{5,30}\.[A-Za-z0-9]{4,6}\.acc[_\-][A-Za-z0-9\-]{10,32}\.[A-Za-z0-9+/_=\-]{30,120}",
            &[".acc_", ".acc-"],
            P_PREFIX,
            B::Alnum,
            B::Token,
            C::None,
        ),
        rule(K::ClickhouseApiSecret, r"4b1d[A-Za-z0-9]{38}", &["4b1d"], P_PREFIX, B::Alnum, B::Alnum, C::Mixed),
        rule(K::ContentfulToken, r"CFPAT-[A-Za-z0-9_\-]{43}", &["cfpat-"], P_PREFIX, B::Token, B::Token, C::None),
        rule(
            K::DefinedNetworkingToken,
            r"dnkey-[A-Za-z0-9=_\-]{26}-[A-Za-z0-9=_\-]{52}",
            &["dnkey-"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(K::DropboxToken, r"sl\.[A-Za-z0-9_=\-]{130,}", &["sl."], P_PREFIX, B::TokenDot, B::Token, C::Mixed),
        rule(
            K::DynatraceToken,
            r"dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}",
            &["dt0c01."],
            P_PREFIX,
            B::Alnum,
            B::Alnum,
            C::None,
        ),
        rule(
            K::FacebookAccessToken,
            r"EAA[MC][A-Za-z0-9]{100,}",
            &["eaam", "eaac"],
            P_PREFIX,
            B::Alnum,
            B::Alnum,
            C::Mixed,
        ),
        rule(K::FrameioToken, r"fio-u-[A-Za-z0-9_=\-]{64}", &["fio-u-"], P_PREFIX, B::Token, B::Token, C::None),
        rule(
            K::GrafanaToken,
            r"eyJrIjoi[A-Za-z0-9]{70,400}={0,3}|glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}",
            &["eyjrijoi", "glc_", "glsa_"],
            P_PREFIX,
            B::Word,
            B::B64Eq,
            C::None,
        ),
        rule(
            K::HubspotApiKey,
            r"pat-(?:na|eu)1-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            &["pat-na1-", "pat-eu1-"],
            P_PREFIX,
            B::Token,
            B::Alnum,
            C::None,
        ),
        rule(
            K::Intra42ClientSecret,
            r"s-s4t2(?:ud|af)-[a-f0-9]{64}",
            &["s-s4t2"],
            P_PREFIX,
            B::Token,
            B::Alnum,
            C::None,
        ),
        rule(K::LinearApiKey, r"lin_api_[A-Za-z0-9]{40}", &["lin_api_"], P_PREFIX, B::Word, B::Alnum, C::Mixed),
        rule(
            K::MapboxSecretToken,
            r"sk\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{20,}",
            &["sk.eyj"],
            P_PREFIX,
            B::TokenDot,
            B::Token,
            C::None,
        ),
        rule(
            K::MaxmindLicenseKey,
            r"[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk",
            &["_mmk"],
            P_PREFIX,
            B::Word,
            B::Alnum,
            C::Mixed,
        ),
        rule(K::NetlifyToken, r"nfp_[A-Za-z0-9]{36}", &["nfp_"], P_PREFIX, B::Word, B::Alnum, C::Mixed),
        rule(
            K::NewRelicKey,
            r"NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9\-]{32}|NRJS-[a-f0-9]{19}|[a-f0-9]{36}NRAL",
            &["nrak-", "nrii-", "nrjs-", "nral"],
            P_PREFIX,
            B::Alnum,
            B::Token,
            C::None,
        ),
        rule(
            K::NotionToken,
            r"ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43}",
            &["ntn_", "secret_"],
            P_PREFIX,
            B::Word,
            B::Word,
            C::Mixed,
        ),
        rule(K::OctopusDeployApiKey, r"API-[A-Z0-9]{26,27}", &["api-"], P_PREFIX, B::Token, B::Alnum, C::Mixed),
        rule(
            K::PostmanApiKey,
            r"PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}",
            &["pmak-"],
            P_PREFIX,
            B::Token,
            B::Alnum,
            C::None,
        ),
        rule(
            K::SentryToken,
            r"sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=]{20,600}_[A-Za-z0-9+/]{43}",
            &["sntryu_", "sntrys_"],
            P_PREFIX,
            B::Word,
            B::Alnum,
            C::None,
        ),
        rule(
            K::SidekiqCredentials,
            r"https?://(?P<s>[a-fA-F0-9]{8}:[a-fA-F0-9]{8})@(?:gems|enterprise)\.contribsys\.com",
            &["contribsys.com"],
            P_SPECIFIC,
            B::Alnum,
            B::Any,
            C::None,
        ),
        rule(K::TypeformToken, r"tfp_[A-Za-z0-9_.=\-]{59}", &["tfp_"], P_PREFIX, B::Word, B::Token, C::None),
        rule(
            K::TwitterToken,
            r"AAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{80,110}",
            &["aaaaaaaaaaaaaaaaaaaa"],
            P_PREFIX,
            B::Alnum,
            B::Alnum,
            C::Mixed,
        ),
        rule(K::YandexToken, r"AQVN[A-Za-z0-9_\-]{35,38}", &["aqvn"], P_PREFIX, B::Token, B::Token, C::Mixed),
        rule(
            K::GoogleOauthToken,
            r"ya29\.[A-Za-z0-9_\-]{30,}|1//0[A-Za-z0-9_\-]{40,}",
            &["ya29.", "1//0"],
            P_PREFIX,
            B::B64,
            B::Token,
            C::Mixed,
        ),
        rule(K::XaiApiKey, r"xai-[A-Za-z0-9]{70,}", &["xai-"], P_PREFIX, B::Token, B::Alnum, C::Mixed),
        rule(K::GroqApiKey, r"gsk_[A-Za-z0-9]{48,}", &["gsk_"], P_PREFIX, B::Word, B::Alnum, C::Mixed),
        rule(K::ReplicateToken, r"r8_[A-Za-z0-9]{37}", &["r8_"], P_PREFIX, B::Word, B::Alnum, C::Mixed),
        rule(
            K::Jwt,
            r"eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}",
            &["eyj"],
            P_PREFIX,
            B::TokenDot,
            B::TokenDot,
            C::None,
        ),
        rule(K::Jwt, r"ZXlK[A-Za-z0-9+/_\-]{60,}={0,2}", &["zxlk"], P_PREFIX, B::B64, B::B64Eq, C::JwtBase64),
        // ---- private keys --------------------------------------------------
        RuleDef {
            emits: PEM_KINDS,
            ..rule(
                K::PemPrivateKey,
                r"-----BEGIN (?P<h>[A-Z0-9 _\-]{0,40}?)PRIVATE KEY(?: BLOCK)?-----(?s:.)*?-----END [A-Z0-9 _\-]{0,40}?PRIVATE KEY(?: BLOCK)?-----",
                &["-----begin"],
                P_SPECIFIC,
                B::Any,
                B::Any,
                C::Pem,
            )
        },
        // A block cut short (no END line): the header and the base64 body after it.
        RuleDef {
            emits: PEM_KINDS,
            ..rule(
                K::PemPrivateKey,
                r"-----BEGIN (?P<h>[A-Z0-9 _\-]{0,40}?)PRIVATE KEY(?: BLOCK)?-----(?:(?:\r?\n|\\r\\n|\\n)[+ ]?[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z\-]+: [^\r\n\\]*)?)*",
                &["-----begin"],
                P_STRUCT,
                B::Any,
                B::Any,
                C::Pem,
            )
        },
        rule(
            K::PuttyPrivateKey,
            r"PuTTY-User-Key-File-[23]:[^\r\n\\]*(?s:.)*?Private-MAC:[ \t]*[0-9a-fA-F]{20,}",
            &["putty-user-key-file-"],
            P_SPECIFIC,
            B::Any,
            B::Alnum,
            C::Putty,
        ),
        rule(
            K::PuttyPrivateKey,
            r"PuTTY-User-Key-File-[23]:[^\r\n\\]*(?:(?:\r?\n|\\r\\n|\\n)[+ ]?[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z0-9\-]+:[ \t]*[^\r\n\\]*)?)*",
            &["putty-user-key-file-"],
            P_STRUCT,
            B::Any,
            B::Any,
            C::Putty,
        ),
        // ---- structural ------------------------------------------------------
        rule(
            K::UrlPassword,
            r#"(?i-u:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|cockroachdb|clickhouse|nats|kafka|ldaps?|ftps?|sftp|smtps?|imaps?|pop3s?|https?|ssh|git|jdbc:[a-z]+|[a-z][a-z0-9]*\+[a-z][a-z0-9]*)://[^\s:/?#@"'<>]*:(?P<s>[^\s/?@"'<>]+)@[^\s/?#@"'<>]"#,
            &["://"],
            P_STRUCT,
            B::Alnum,
            B::Any,
            C::UrlPassword,
        ),
        rule(
            K::BearerToken,
            r"(?i-u:bearer)[ \t]+(?P<s>[A-Za-z0-9\-._~+/]{8,}=*)",
            &["bearer"],
            P_STRUCT,
            B::Alnum,
            B::B64Eq,
            C::Bearer,
        ),
        rule(
            K::BearerToken,
            r#"(?i-u:authorization)["']?[ \t]*[:=][ \t]*["']?(?i-u:token)[ \t]+(?P<s>[A-Za-z0-9\-._~+/]{8,}=*)"#,
            &["authorization"],
            P_STRUCT,
            B::Alnum,
            B::B64Eq,
            C::Bearer,
        ),
        rule(
            K::BearerToken,
            r#"(?i-u:authorization)["']?[ \t]*[:=][ \t]*["']?(?P<s>[A-Za-z0-9\-._~+/]{16,}=*)"#,
            &["authorization"],
            P_STRUCT,
            B::Alnum,
            B::B64Eq,
            C::AuthHeader,
        ),
        rule(
            K::BasicAuth,
            r"(?i-u:basic)[ \t]+(?P<s>[A-Za-z0-9+/]{6,}={0,2})",
            &["basic"],
            P_STRUCT,
            B::Alnum,
            B::B64Eq,
            C::Basic,
        ),
        rule(
            K::KubernetesSecret,
            r#"(?m:^[ \t]*kind:[ \t]*["']?Secret["']?[ \t]*\r?$)"#,
            &["secret"],
            P_ENTROPY,
            B::Any,
            B::Any,
            C::K8sSecret,
        ),
        // ---- keywords --------------------------------------------------------
        // `key <sep> value` where the key holds a secret keyword or a
        // provider's name: the key decides, see `Check::Assignment`.
        RuleDef {
            emits: ASSIGNMENT_KINDS,
            ..rule(
                K::Password,
                concat!(
                    r#"(?P<k>[A-Za-z0-9_.\-]*(?i-u:pass(?:word|wd|phrase)?|pwd|secret|token|key|cred(?:ential)?s?|value|default))(?:\\?["'`])?\]?[ \t]*"#,
                    r#"(?::[ \t]*[A-Za-z_&][A-Za-z0-9_\[\]<>&.|' ]{0,30}?[ \t]+)?(?P<sep>:=|=>|\?=|\|\|=|=|:|,|(?i-u:is|was)[ \t])[ \t]*"#,
                    r#"(?P<v>\\"(?:[^"\\\r\n]|\\[^"\r\n])*\\"|(?:[rRbBuUfF@$]|[bB][rR]|\$@|@\$)?"(?:[^"\\\r\n]|\\.)*"|(?:[rRbBuUfF]|[bB][rR])?'(?:[^'\\\r\n]|\\.)*'|`[^`\r\n]*`|[^\s"'`,;&<>(){}\[\]]+)"#,
                ),
                ASSIGNMENT_TRIGGERS,
                P_KEYWORD,
                B::Any,
                B::Any,
                C::Assignment,
            )
        },
        // The same for a key that names a provider but no secret keyword
        // (`TWITCH_CLIENT = …`, `BUNDLE_GEMS__CONTRIBSYS__COM: …`); its
        // triggers are the provider names (added by the scanner).
        RuleDef {
            emits: ASSIGNMENT_KINDS,
            ..rule(
                K::Password,
                concat!(
                    r#"(?P<k>[A-Za-z0-9_.\-]*(?i-u:@PROVIDERS@)[A-Za-z0-9_.\-]*)(?:\\?["'`])?\]?[ \t]*"#,
                    r#"(?::[ \t]*[A-Za-z_&][A-Za-z0-9_\[\]<>&.|' ]{0,30}?[ \t]+)?(?P<sep>:=|=>|\?=|\|\|=|=|:|,|(?i-u:is|was)[ \t])[ \t]*"#,
                    r#"(?P<v>\\"(?:[^"\\\r\n]|\\[^"\r\n])*\\"|(?:[rRbBuUfF@$]|[bB][rR]|\$@|@\$)?"(?:[^"\\\r\n]|\\.)*"|(?:[rRbBuUfF]|[bB][rR])?'(?:[^'\\\r\n]|\\.)*'|`[^`\r\n]*`|[^\s"'`,;&<>(){}\[\]]+)"#,
                ),
                &["@providers@"],
                P_KEYWORD,
                B::Any,
                B::Any,
                C::Assignment,
            )
        },
        // A Docker `config.json` / `.npmrc` `auth`: base64 of user:password.
        rule(
            K::BasicAuth,
            r#"(?P<k>_?(?i-u:auth))(?:\\?["'`])?[ \t]*(?P<sep>=|:)[ \t]*(?P<v>"[^"\r\n]*"|'[^'\r\n]*'|[A-Za-z0-9+/=]+)"#,
            &["auth"],
            P_STRUCT,
            B::Alnum,
            B::Any,
            C::Assignment,
        ),
        RuleDef {
            emits: KEYWORD_KINDS,
            ..rule(
                K::Password,
                r#"(?m:^|[ \t])--?(?P<k>[A-Za-z0-9_\-]*(?i-u:pass(?:word|wd|phrase)?|pwd|secret|token|key))[ \t]+(?P<v>"(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[^\s"'|;&<>()]+)"#,
                KEYWORD_TRIGGERS,
                P_KEYWORD,
                B::Any,
                B::Any,
                C::Flag,
            )
        },
        RuleDef {
            emits: KEYWORD_KINDS,
            ..rule(
                K::Password,
                r"<(?P<k>[A-Za-z0-9_:.\-]*(?i-u:pass(?:word|wd|phrase)?|pwd|secret|token|key))>(?P<v>[^<\r\n]{1,512})</",
                KEYWORD_TRIGGERS,
                P_KEYWORD,
                B::Any,
                B::Any,
                C::Xml,
            )
        },
        RuleDef {
            emits: KEYWORD_KINDS,
            ..rule(
                K::Password,
                r#"(?i-u:key|name)="(?P<k>[A-Za-z0-9_:.\-]*(?i-u:pass(?:word|wd|phrase)?|pwd|secret|token|key))"[ \t]+(?i-u:value)="(?P<v>[^"\r\n]*)""#,
                KEYWORD_TRIGGERS,
                P_KEYWORD,
                B::Any,
                B::Any,
                C::Xml,
            )
        },
        // C / C++ `#define WIFI_PASSWORD "…"`
        RuleDef {
            emits: KEYWORD_KINDS,
            ..rule(
                K::Password,
                r#"#[ \t]*define[ \t]+(?P<k>[A-Za-z0-9_]*(?i-u:pass(?:word|wd|phrase)?|pwd|secret|token|key))[ \t]+(?P<v>"(?:[^"\\\r\n]|\\.)*")"#,
                &["define"],
                P_KEYWORD,
                B::Any,
                B::Any,
                C::Flag,
            )
        },
        // Short password flags of common CLIs: `mysql -pSECRET`, `redis-cli -a SECRET`, `sshpass -p SECRET`.
        rule(
            K::Password,
            r#"(?:mysql|mysqldump|mysqladmin|mariadb)[ \t][^\r\n|;&]*?[ \t]-p["']?(?P<s>[^\s'"-][^\s'"]*)"#,
            &["mysql", "mariadb"],
            P_KEYWORD,
            B::Word,
            B::Any,
            C::CliPassword,
        ),
        rule(
            K::Password,
            r#"(?:redis-cli|keydb-cli)[ \t][^\r\n|;&]*?[ \t]-a[ \t]+["']?(?P<s>[^\s'"]+)"#,
            &["redis-cli", "keydb-cli"],
            P_KEYWORD,
            B::Word,
            B::Any,
            C::CliPassword,
        ),
        rule(
            K::Password,
            r#"sshpass[ \t]+-p[ \t]*["']?(?P<s>[^\s'"]+)"#,
            &["sshpass"],
            P_KEYWORD,
            B::Word,
            B::Any,
            C::CliPassword,
        ),
        // .netrc: `machine host login user password secret`
        rule(
            K::Password,
            r"machine[ \t]+\S+\s+login[ \t]+\S+\s+password[ \t]+(?P<s>\S+)",
            &["machine"],
            P_KEYWORD,
            B::Word,
            B::Any,
            C::CliPassword,
        ),
        rule(
            K::Password,
            r#"(?m:^|[\s'"])(?:-u|--user)[ \t]+["']?(?:[^\s:"'\-][^\s:"']*)?:["']?(?P<s>[^\s"':][^\s"']*)"#,
            &["curl", "wget"],
            P_KEYWORD,
            B::Any,
            B::Any,
            C::CurlUser,
        ),
        RuleDef {
            emits: KEYWORD_KINDS,
            ..rule(
                K::Password,
                r#"(?P<k>(?i-u:pass(?:word|phrase)|passwd|pwd|secret|token|api[ _\-]?key))(?i-u:s)?(?:[ \t]*(?:[:=]|->|→)|[ \t]+(?i-u:is|was|are|of|set to|changed to))[ \t]+["'“‘`]?(?P<s>[^\s"'”’`<>]+)"#,
                &["pass", "pwd", "secret", "token", "key"],
                P_KEYWORD,
                B::Alnum,
                B::Any,
                C::Prose,
            )
        },
        rule(
            K::HighEntropySecret,
            r"(?i-u:pass(?:word|phrase)|passwd|pwd|secret|token|api[ _\-]?key|access[ _\-]?key|credential)(?i-u:s)?",
            &["pass", "pwd", "secret", "token", "key", "credential"],
            P_ENTROPY,
            B::Alnum,
            B::Any,
            C::EntropyWindow,
        ),
    ];
    for r in &mut t {
        // Every match lies on one line, around a trigger, except key blocks
        // (many lines), Kubernetes manifests and the rules without triggers.
        r.line_scoped = !matches!(r.check, C::Pem | C::Putty | C::K8sSecret) && !r.triggers.is_empty();
        r.gate = match r.check {
            // `key is value` has no separator byte: no gate.
            C::Assignment => b"",
            C::Flag if r.triggers != ["define"] => b"-",
            C::Xml if r.pattern.starts_with('<') => b"<",
            C::Xml => b"\"",
            _ => b"",
        };
        if r.emits.is_empty() {
            r.emits = std::slice::from_ref(kind_ref(r.kind));
        }
    }
    t
}

/// A `'static` reference to a kind (for `emits`).
fn kind_ref(k: Kind) -> &'static Kind {
    let i = Kind::ALL.iter().position(|x| *x == k).expect("every kind is in ALL");
    &Kind::ALL[i]
}

/// The kind of a PEM block from the words before `PRIVATE KEY`.
pub fn pem_kind(header: &str) -> Kind {
    match header.trim() {
        "RSA" => Kind::RsaPrivateKey,
        "EC" => Kind::EcPrivateKey,
        "OPENSSH" => Kind::OpensshPrivateKey,
        "PGP" => Kind::PgpPrivateKey,
        _ => Kind::PemPrivateKey,
    }
}
