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
    /// The kind depends on the PEM header (`RSA`, `EC`, `OPENSSH`, `PGP`, …).
    Pem,
    /// A URL password: not a placeholder.
    UrlPassword,
    /// A bearer token: not a placeholder; random-looking unless after
    /// `Authorization:`.
    Bearer,
    /// Base64 that decodes to printable `user:password`.
    Basic,
    /// `key = value` (groups `k`, `v`): key names a secret, value is one.
    Assignment,
    /// `--password value` (groups `k`, `v`).
    Flag,
    /// `<password>value</password>` or `key="Password" value="…"` (groups `k`, `v`).
    Xml,
    /// `curl -u user:password` (group `s`).
    CurlUser,
    /// A short CLI password flag (`mysql -p…`, `redis-cli -a …`, `sshpass -p …`).
    CliPassword,
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
const PEM_KINDS: &[Kind] =
    &[Kind::RsaPrivateKey, Kind::EcPrivateKey, Kind::OpensshPrivateKey, Kind::PgpPrivateKey, Kind::PemPrivateKey];

/// Triggers of the keyword rules (a key ending in one of these words).
const KEYWORD_TRIGGERS: &[&str] = &["pass", "pwd", "secret", "token", "key"];

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
        rule(K::GitlabPat, r"glpat-[A-Za-z0-9_\-]{20,}", &["glpat-"], P_PREFIX, B::Token, B::Token, C::None),
        rule(
            K::GitlabToken,
            r"(?:glptt-[0-9a-f]{40}|glrt-[A-Za-z0-9_\-]{20,}|gldt-[A-Za-z0-9_\-]{20,}|GR1348941[A-Za-z0-9_\-]{20,})",
            &["glptt-", "glrt-", "gldt-", "gr1348941"],
            P_PREFIX,
            B::Token,
            B::Token,
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
        // ---- chat, payment, SaaS ----------------------------------------
        rule(
            K::SlackBotToken,
            r"xoxb-[0-9]{8,14}-[0-9]{8,14}-[A-Za-z0-9]{20,}",
            &["xoxb-"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(
            K::SlackUserToken,
            r"xoxp-[0-9]{8,14}-[0-9]{8,14}-[0-9]{8,14}-[A-Za-z0-9]{20,}",
            &["xoxp-"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(
            K::SlackAppToken,
            r"xapp-[0-9]-[A-Z0-9]{8,14}-[0-9]{8,16}-[a-z0-9]{32,}",
            &["xapp-"],
            P_PREFIX,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(
            K::SlackToken,
            r"xox[aeors]-[0-9]{1,14}-[A-Za-z0-9\-]{20,}",
            &["xoxa-", "xoxe-", "xoxo-", "xoxr-", "xoxs-"],
            P_STRUCT,
            B::Token,
            B::Token,
            C::None,
        ),
        rule(
            K::SlackWebhook,
            r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]{20,}",
            &["hooks.slack.com"],
            P_PREFIX,
            B::Any,
            B::Token,
            C::None,
        ),
        rule(
            K::StripeSecretKey,
            r"sk_(?:live|test)_[A-Za-z0-9]{16,}",
            &["sk_live_", "sk_test_"],
            P_PREFIX,
            B::Word,
            B::Word,
            C::None,
        ),
        rule(
            K::StripeRestrictedKey,
            r"rk_(?:live|test)_[A-Za-z0-9]{16,}",
            &["rk_live_", "rk_test_"],
            P_PREFIX,
            B::Word,
            B::Word,
            C::None,
        ),
        rule(K::StripeWebhookSecret, r"whsec_[A-Za-z0-9+/]{24,}", &["whsec_"], P_PREFIX, B::Word, B::Word, C::None),
        rule(K::TwilioAccountSid, r"AC[a-f0-9]{32}", &[], P_PREFIX, B::Alnum, B::Alnum, C::None),
        rule(K::TwilioApiKey, r"SK[a-f0-9]{32}", &[], P_PREFIX, B::Alnum, B::Alnum, C::None),
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
        rule(K::MailgunApiKey, r"key-[a-f0-9]{32}", &["key-"], P_PREFIX, B::Token, B::Alnum, C::None),
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
        rule(K::HuggingfaceToken, r"hf_[A-Za-z0-9]{30,}", &["hf_"], P_PREFIX, B::Word, B::Word, C::Mixed),
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
            K::DigitaloceanToken,
            r"do[opr]_v1_[a-f0-9]{64}",
            &["dop_v1_", "doo_v1_", "dor_v1_"],
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
            K::Jwt,
            r"eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}",
            &["eyj"],
            P_PREFIX,
            B::TokenDot,
            B::TokenDot,
            C::None,
        ),
        // ---- private keys --------------------------------------------------
        RuleDef {
            emits: PEM_KINDS,
            ..rule(
                K::PemPrivateKey,
                r"-----BEGIN (?P<h>(?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----(?s:.)*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
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
                r"-----BEGIN (?P<h>(?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----(?:(?:\r?\n|\\r\\n|\\n)(?:[A-Za-z0-9+/=]+|[A-Za-z\-]+: [^\r\n\\]*)?)*",
                &["-----begin"],
                P_STRUCT,
                B::Any,
                B::Any,
                C::Pem,
            )
        },
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
            K::BasicAuth,
            r"(?i-u:basic)[ \t]+(?P<s>[A-Za-z0-9+/]{6,}={0,2})",
            &["basic"],
            P_STRUCT,
            B::Alnum,
            B::B64Eq,
            C::Basic,
        ),
        // ---- keywords --------------------------------------------------------
        RuleDef {
            emits: KEYWORD_KINDS,
            ..rule(
                K::Password,
                concat!(
                    r#"(?P<k>[A-Za-z0-9_.\-]*(?i-u:pass(?:word|wd|phrase)?|pwd|secret|token|key))(?:\\?["'`]|\])?\]?[ \t]*"#,
                    r#"(?::[ \t]*[A-Za-z_&][A-Za-z0-9_\[\]<>&.|' ]{0,30}?[ \t]+)?(?P<sep>:=|=>|\?=|\|\|=|=|:)[ \t]*"#,
                    r#"(?P<v>\\"(?:[^"\\\r\n]|\\[^"\r\n])*\\"|(?:[rRbBuUf]|[bB][rR])?"(?:[^"\\\r\n]|\\.)*"|(?:[rRbBuUf]|[bB][rR])?'(?:[^'\\\r\n]|\\.)*'|`[^`\r\n]*`|[^\s"'`,;&<>(){}\[\]]+)"#,
                ),
                KEYWORD_TRIGGERS,
                P_KEYWORD,
                B::Any,
                B::Any,
                C::Assignment,
            )
        },
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
        rule(
            K::Password,
            r#"(?m:^|[\s'"])(?:-u|--user)[ \t]+["']?[^\s:"'\-][^\s:"']*:(?P<s>[^\s"']+)"#,
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
        // Every match lies on one line, around a trigger, except PEM blocks
        // (many lines) and the rules without triggers.
        r.line_scoped = r.check != C::Pem && !r.triggers.is_empty();
        r.gate = match r.check {
            C::Assignment => b"=:",
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
