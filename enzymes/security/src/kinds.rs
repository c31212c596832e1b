//! The kinds of secret the enzyme knows, with their stable names.
//!
//! A kind's name is what appears in `[REDACTED:<kind>]`, in the `kinds`
//! config key, in logs and in change records. Names never change.

macro_rules! kinds {
    ($( $variant:ident => $name:literal, $what:literal; )*) => {
        /// A kind of secret.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind { $( $variant, )* }

        impl Kind {
            /// Every kind, in documentation order.
            pub const ALL: &'static [Kind] = &[ $( Kind::$variant, )* ];

            /// The stable name (`snake_case`).
            pub fn name(self) -> &'static str {
                match self { $( Kind::$variant => $name, )* }
            }

            /// A short description, for the README and `--help`-like output.
            pub fn describe(self) -> &'static str {
                match self { $( Kind::$variant => $what, )* }
            }

            /// Look a kind up by its name.
            pub fn from_name(name: &str) -> Option<Kind> {
                match name { $( $name => Some(Kind::$variant), )* _ => None }
            }
        }
    };
}

kinds! {
    AwsAccessKeyId => "aws_access_key_id", "AWS access key id (AKIA…, ASIA…, ABIA…, ACCA…, A3T…)";
    AwsSecretAccessKey => "aws_secret_access_key", "AWS secret access key (40 chars, beside an aws_secret… keyword or an access key id)";
    GcpApiKey => "gcp_api_key", "Google Cloud / Firebase API key (AIza…)";
    GcpServiceAccount => "gcp_service_account", "private_key / private_key_id of a GCP service-account JSON";
    GcpOauthClientSecret => "gcp_oauth_client_secret", "Google OAuth client secret (GOCSPX-…)";
    AzureStorageKey => "azure_storage_key", "Azure storage account key (AccountKey=… in a connection string)";
    AzureSharedAccessKey => "azure_shared_access_key", "Azure Service Bus / Event Hubs / IoT SharedAccessKey=…";
    AzureSasToken => "azure_sas_token", "signature (sig=…) of an Azure SAS token or URL";
    AzureAdClientSecret => "azure_ad_client_secret", "Azure AD / Entra application client secret (…Q~…)";
    GithubPat => "github_pat", "GitHub classic personal access token (ghp_…)";
    GithubFineGrainedPat => "github_fine_grained_pat", "GitHub fine-grained personal access token (github_pat_…)";
    GithubOauthToken => "github_oauth_token", "GitHub OAuth access token (gho_…)";
    GithubAppToken => "github_app_token", "GitHub App user-to-server / server-to-server token (ghu_…, ghs_…)";
    GithubRefreshToken => "github_refresh_token", "GitHub refresh token (ghr_…)";
    GitlabPat => "gitlab_pat", "GitLab personal / project / group access token (glpat-…)";
    GitlabToken => "gitlab_token", "other GitLab tokens (glptt-, glrt-, gldt-, GR1348941…)";
    NpmToken => "npm_token", "npm access token (npm_…)";
    PypiToken => "pypi_token", "PyPI / TestPyPI upload token (pypi-AgEIcHlwaS5vcmc…)";
    SlackBotToken => "slack_bot_token", "Slack bot token (xoxb-…)";
    SlackUserToken => "slack_user_token", "Slack user token (xoxp-…)";
    SlackAppToken => "slack_app_token", "Slack app-level token (xapp-…)";
    SlackToken => "slack_token", "other Slack tokens (xoxa-, xoxr-, xoxs-, xoxo-, xoxe-)";
    SlackWebhook => "slack_webhook", "Slack incoming-webhook / workflow URL (hooks.slack.com/…), whole URL";
    StripeSecretKey => "stripe_secret_key", "Stripe secret key (sk_live_…, sk_test_…)";
    StripeRestrictedKey => "stripe_restricted_key", "Stripe restricted key (rk_live_…, rk_test_…)";
    StripeWebhookSecret => "stripe_webhook_secret", "Stripe webhook signing secret (whsec_…)";
    TwilioAccountSid => "twilio_account_sid", "Twilio account SID (AC + 32 hex)";
    TwilioAuthToken => "twilio_auth_token", "Twilio auth token (32 hex beside a Twilio SID or auth-token keyword)";
    TwilioApiKey => "twilio_api_key", "Twilio API key SID (SK + 32 hex)";
    SendgridApiKey => "sendgrid_api_key", "SendGrid API key (SG.x.y)";
    MailgunApiKey => "mailgun_api_key", "Mailgun API key (key-…)";
    OpenaiApiKey => "openai_api_key", "OpenAI API key (sk-…, sk-proj-…, sk-svcacct-…, sk-admin-…)";
    AnthropicApiKey => "anthropic_api_key", "Anthropic API key (sk-ant-…)";
    HuggingfaceToken => "huggingface_token", "Hugging Face access token (hf_…)";
    DiscordBotToken => "discord_bot_token", "Discord bot token (base64 user id . timestamp . hmac)";
    DiscordWebhook => "discord_webhook", "Discord webhook URL, whole URL";
    TelegramBotToken => "telegram_bot_token", "Telegram bot token (123456789:AA…)";
    ShopifyToken => "shopify_token", "Shopify access / app tokens (shpat_, shpca_, shppa_, shpss_)";
    DigitaloceanToken => "digitalocean_token", "DigitalOcean tokens (dop_v1_, doo_v1_, dor_v1_)";
    AgeSecretKey => "age_secret_key", "age encryption secret key (AGE-SECRET-KEY-1…)";
    Jwt => "jwt", "JSON Web Token (eyJ….eyJ….sig)";
    RsaPrivateKey => "rsa_private_key", "PEM block BEGIN RSA PRIVATE KEY … END, whole block";
    EcPrivateKey => "ec_private_key", "PEM block BEGIN EC PRIVATE KEY … END, whole block";
    OpensshPrivateKey => "openssh_private_key", "BEGIN OPENSSH PRIVATE KEY … END, whole block";
    PgpPrivateKey => "pgp_private_key", "BEGIN PGP PRIVATE KEY BLOCK … END, whole block";
    PemPrivateKey => "pem_private_key", "other PEM private keys (PRIVATE KEY, ENCRYPTED PRIVATE KEY, DSA …), whole block";
    UrlPassword => "url_password", "password inside a URL / connection string (postgres, mysql, mongodb(+srv), redis, amqp, http, …); scheme, user and host are kept";
    BearerToken => "bearer_token", "token after `Bearer` / `Authorization: token` (the word Bearer is kept)";
    BasicAuth => "basic_auth", "base64 credentials after `Basic` (Authorization: Basic …)";
    Password => "password", "value assigned to a password / passwd / pwd / pass / passphrase key, flag or XML element";
    Secret => "secret", "value assigned to a …secret / secret_key / private_key / signing_key key";
    Token => "token", "value assigned to a …token key (access_token, GITHUB_TOKEN, authToken …)";
    ApiKey => "api_key", "value assigned to an api_key / apikey / x-api-key / access_key key";
    HighEntropySecret => "high_entropy_secret", "random-looking string right after a secret keyword in prose or tables";
}
