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
    GitlabToken => "gitlab_token", "other GitLab tokens (glptt-, glrt-, gldt-, glcbt-, glffct-, glft-, glimt-, glagent-, gloas-, glsoat-, GR1348941…, _gitlab_session)";
    NpmToken => "npm_token", "npm access token (npm_…)";
    PypiToken => "pypi_token", "PyPI / TestPyPI upload token (pypi-AgEIcHlwaS5vcmc…)";
    SlackBotToken => "slack_bot_token", "Slack bot token (xoxb-…)";
    SlackUserToken => "slack_user_token", "Slack user token (xoxp-…)";
    SlackAppToken => "slack_app_token", "Slack app-level token (xapp-…)";
    SlackToken => "slack_token", "other Slack tokens (xoxa-, xoxr-, xoxs-, xoxo-, xoxe-, xoxe.xoxb-)";
    SlackWebhook => "slack_webhook", "Slack incoming-webhook / workflow URL (hooks.slack.com/…), whole URL";
    StripeSecretKey => "stripe_secret_key", "Stripe secret key (sk_live_…, sk_test_…, sk_prod_…)";
    StripeRestrictedKey => "stripe_restricted_key", "Stripe restricted key (rk_live_…, rk_test_…, rk_prod_…)";
    StripeWebhookSecret => "stripe_webhook_secret", "Stripe webhook signing secret (whsec_…)";
    TwilioAccountSid => "twilio_account_sid", "Twilio account SID (AC + 32 hex): an identifier, off by default (list it in `kinds` to redact it)";
    TwilioAuthToken => "twilio_auth_token", "Twilio auth token (32 hex beside a Twilio SID or auth-token keyword)";
    TwilioApiKey => "twilio_api_key", "Twilio API key SID (SK + 32 hex)";
    SendgridApiKey => "sendgrid_api_key", "SendGrid API key (SG.x.y)";
    MailgunApiKey => "mailgun_api_key", "Mailgun API key (key-…) or webhook signing key beside a mailgun key";
    OpenaiApiKey => "openai_api_key", "OpenAI API key (sk-…, sk-proj-…, sk-svcacct-…, sk-admin-…)";
    AnthropicApiKey => "anthropic_api_key", "Anthropic API key (sk-ant-…)";
    HuggingfaceToken => "huggingface_token", "Hugging Face access or organization token (hf_…, api_org_…)";
    DiscordBotToken => "discord_bot_token", "Discord bot token (base64 user id . timestamp . hmac)";
    DiscordWebhook => "discord_webhook", "Discord webhook URL, whole URL";
    TelegramBotToken => "telegram_bot_token", "Telegram bot token (123456789:AA…)";
    ShopifyToken => "shopify_token", "Shopify access / app tokens (shpat_, shpca_, shppa_, shpss_)";
    DigitaloceanToken => "digitalocean_token", "DigitalOcean tokens (dop_v1_, doo_v1_, dor_v1_)";
    AgeSecretKey => "age_secret_key", "age encryption secret key (AGE-SECRET-KEY-1…)";
    Jwt => "jwt", "JSON Web Token (eyJ….eyJ….sig), also base64-encoded (ZXlK…)";
    RsaPrivateKey => "rsa_private_key", "PEM block BEGIN RSA PRIVATE KEY … END, whole block";
    EcPrivateKey => "ec_private_key", "PEM block BEGIN EC PRIVATE KEY … END, whole block";
    OpensshPrivateKey => "openssh_private_key", "BEGIN OPENSSH PRIVATE KEY … END, whole block";
    PgpPrivateKey => "pgp_private_key", "BEGIN PGP PRIVATE KEY BLOCK … END, whole block";
    PemPrivateKey => "pem_private_key", "other PEM private keys (PRIVATE KEY, ENCRYPTED PRIVATE KEY, DSA …), whole block";
    OnepasswordSecretKey => "onepassword_secret_key", "1Password account secret key (A3-XXXXXX-…)";
    OnepasswordServiceAccountToken => "onepassword_service_account_token", "1Password service-account token (ops_eyJ…)";
    AdafruitApiKey => "adafruit_api_key", "Adafruit IO key (32 chars beside an adafruit key)";
    AdobeClientSecret => "adobe_client_secret", "Adobe client secret (p8e-…)";
    AirtableApiKey => "airtable_api_key", "Airtable personal access token (pat….64 hex) or legacy API key beside an airtable key";
    AlgoliaApiKey => "algolia_api_key", "Algolia API key (32 hex beside an algolia key)";
    AlibabaAccessKeyId => "alibaba_access_key_id", "Alibaba Cloud AccessKey ID (LTAI…)";
    AlibabaSecretKey => "alibaba_secret_key", "Alibaba Cloud AccessKey secret (30 chars beside an alibaba key)";
    ArtifactoryToken => "artifactory_token", "JFrog Artifactory API key (AKCp…), reference token (cmVmd…) or token beside a jfrog/artifactory key";
    AsanaToken => "asana_token", "Asana client secret or personal access token beside an asana key";
    AtlassianApiToken => "atlassian_api_token", "Atlassian / Jira / Confluence API token (ATATT3…, or 24 chars beside such a key)";
    AuthressAccessKey => "authress_access_key", "Authress service client access key (sc_….acc_…)";
    AwsBedrockApiKey => "aws_bedrock_api_key", "Amazon Bedrock API key (ABSK…, bedrock-api-key-…)";
    BeamerApiToken => "beamer_api_token", "Beamer API token (b_… beside a beamer key)";
    BitbucketClientSecret => "bitbucket_client_secret", "Bitbucket OAuth client secret beside a bitbucket key";
    BittrexApiKey => "bittrex_api_key", "Bittrex API key or secret beside a bittrex key";
    CiscoMerakiApiKey => "cisco_meraki_api_key", "Cisco Meraki API key (40 hex beside a meraki key)";
    ClickhouseApiSecret => "clickhouse_api_secret", "ClickHouse Cloud API secret (4b1d…)";
    ClojarsToken => "clojars_token", "Clojars deploy token (CLOJARS_…)";
    CloudflareApiKey => "cloudflare_api_key", "Cloudflare API token or global API key beside a cloudflare key";
    CloudflareOriginCaKey => "cloudflare_origin_ca_key", "Cloudflare Origin CA key (v1.0-…)";
    CodecovToken => "codecov_token", "Codecov upload token beside a codecov key";
    CohereApiKey => "cohere_api_key", "Cohere API key (40 chars beside a cohere / CO_API_KEY key)";
    CoinbaseAccessToken => "coinbase_access_token", "Coinbase access token beside a coinbase key";
    ConfluentApiKey => "confluent_api_key", "Confluent Cloud API key or secret beside a confluent key";
    ContentfulToken => "contentful_token", "Contentful delivery / management token (CFPAT-…, or 43 chars beside a contentful key)";
    DatabricksToken => "databricks_token", "Databricks personal access token (dapi…)";
    DatadogApiKey => "datadog_api_key", "Datadog API or application key beside a datadog key";
    DefinedNetworkingToken => "defined_networking_token", "Defined Networking API token (dnkey-…)";
    DiscordClientSecret => "discord_client_secret", "Discord client secret / API key beside a discord key";
    DopplerToken => "doppler_token", "Doppler token (dp.pt., dp.st., dp.sa., dp.ct., …)";
    DroneciToken => "droneci_token", "Drone CI access token beside a drone key";
    DropboxToken => "dropbox_token", "Dropbox access token (sl.…, long-lived, or app secret beside a dropbox key)";
    DuffelToken => "duffel_token", "Duffel API token (duffel_live_…, duffel_test_…)";
    DynatraceToken => "dynatrace_token", "Dynatrace API token (dt0c01.…)";
    EasypostApiKey => "easypost_api_key", "EasyPost API key (EZAK…, EZTK…)";
    EtsyToken => "etsy_token", "Etsy API key beside an etsy key";
    FacebookAccessToken => "facebook_access_token", "Facebook / Meta access token (EAAC…, EAAM…, or app id|secret)";
    FacebookAppSecret => "facebook_app_secret", "Facebook app secret (32 hex beside a facebook key)";
    FastlyApiToken => "fastly_api_token", "Fastly API token beside a fastly key";
    FinicitySecret => "finicity_secret", "Finicity API token or client secret beside a finicity key";
    FinnhubToken => "finnhub_token", "Finnhub API token beside a finnhub key";
    FlickrToken => "flickr_token", "Flickr API key beside a flickr key";
    FlutterwaveSecretKey => "flutterwave_secret_key", "Flutterwave secret or encryption key (FLWSECK…)";
    FlyioToken => "flyio_token", "Fly.io token (fo1_, fm1a_, fm1r_, fm2_)";
    FrameioToken => "frameio_token", "Frame.io API token (fio-u-…)";
    FreshbooksToken => "freshbooks_token", "FreshBooks access token beside a freshbooks key";
    GitterToken => "gitter_token", "Gitter access token beside a gitter key";
    GocardlessToken => "gocardless_token", "GoCardless access token (live_… / sandbox_… beside a gocardless key)";
    GrafanaToken => "grafana_token", "Grafana API key (eyJrIjoi…), cloud token (glc_…) or service-account token (glsa_…)";
    HarnessApiKey => "harness_api_key", "Harness API key (pat.… / sat.…)";
    HerokuApiKey => "heroku_api_key", "Heroku API key (HRKU-AA…, or a UUID beside a heroku key)";
    HubspotApiKey => "hubspot_api_key", "HubSpot private-app token (pat-na1-…) or API key beside a hubspot key";
    InfracostToken => "infracost_token", "Infracost API token (ico-…)";
    IntercomToken => "intercom_token", "Intercom access token beside an intercom key";
    Intra42ClientSecret => "intra42_client_secret", "42 Intra client secret (s-s4t2ud-…, s-s4t2af-…)";
    KrakenApiKey => "kraken_api_key", "Kraken API key or private key beside a kraken key";
    KubernetesSecret => "kubernetes_secret", "value under data: / stringData: of a Kubernetes Secret manifest";
    KucoinApiKey => "kucoin_api_key", "KuCoin API key or secret beside a kucoin key";
    LaunchdarklyToken => "launchdarkly_token", "LaunchDarkly access token or SDK key beside a launchdarkly key";
    LinearApiKey => "linear_api_key", "Linear API key (lin_api_…) or client secret beside a linear key";
    LinkedinClientSecret => "linkedin_client_secret", "LinkedIn client secret beside a linkedin key";
    LobApiKey => "lob_api_key", "Lob secret API key (live_… / test_… beside a lob key)";
    LookerClientSecret => "looker_client_secret", "Looker API client secret beside a looker key";
    MailchimpApiKey => "mailchimp_api_key", "Mailchimp API key (32 hex-usNN)";
    MapboxSecretToken => "mapbox_secret_token", "Mapbox secret token (sk.eyJ…)";
    MattermostToken => "mattermost_token", "Mattermost access token beside a mattermost key";
    MaxmindLicenseKey => "maxmind_license_key", "MaxMind license key (…_mmk)";
    MessagebirdApiKey => "messagebird_api_key", "MessageBird API key beside a messagebird key";
    MicrosoftTeamsWebhook => "microsoft_teams_webhook", "Microsoft Teams incoming-webhook URL (….webhook.office.com/webhookb2/…), whole URL";
    NetlifyToken => "netlify_token", "Netlify access token (nfp_…, or beside a netlify key)";
    NewRelicKey => "new_relic_key", "New Relic user / ingest / browser key (NRAK-, NRII-, NRJS-, …NRAL)";
    NotionToken => "notion_token", "Notion integration token (ntn_…, secret_…)";
    NytimesToken => "nytimes_token", "New York Times API key beside an nytimes key";
    OctopusDeployApiKey => "octopus_deploy_api_key", "Octopus Deploy API key (API-…)";
    OktaToken => "okta_token", "Okta API token (00… beside an okta key)";
    OpenshiftToken => "openshift_token", "OpenShift user token (sha256~…)";
    PerplexityApiKey => "perplexity_api_key", "Perplexity API key (pplx-…)";
    PlaidSecret => "plaid_secret", "Plaid access token (access-production-…) or secret beside a plaid key";
    PlanetscaleToken => "planetscale_token", "PlanetScale token or password (pscale_tkn_, pscale_oauth_, pscale_pw_)";
    PostmanApiKey => "postman_api_key", "Postman API key (PMAK-…)";
    PrefectApiKey => "prefect_api_key", "Prefect API key (pnu_…)";
    PrivateaiApiKey => "privateai_api_key", "Private AI API key beside a private_ai key";
    PulumiToken => "pulumi_token", "Pulumi access token (pul-…)";
    PuttyPrivateKey => "putty_private_key", "PuTTY private key file (PuTTY-User-Key-File-2/3 … Private-MAC), whole block";
    RapidapiKey => "rapidapi_key", "RapidAPI key beside a rapidapi key";
    ReadmeApiKey => "readme_api_key", "ReadMe API key (rdme_…)";
    RubygemsApiKey => "rubygems_api_key", "RubyGems API key (rubygems_…)";
    ScalingoToken => "scalingo_token", "Scalingo API token (tk-us-…)";
    SendbirdToken => "sendbird_token", "Sendbird API token beside a sendbird key";
    SendinblueApiKey => "sendinblue_api_key", "Brevo / Sendinblue API or SMTP key (xkeysib-…, xsmtpsib-…)";
    SentryToken => "sentry_token", "Sentry auth token (sntryu_…, sntrys_…, or 64 hex beside a sentry key)";
    SettlemintToken => "settlemint_token", "SettleMint access token (sm_pat_, sm_aat_, sm_sat_)";
    ShippoApiKey => "shippo_api_key", "Shippo API token (shippo_live_…, shippo_test_…)";
    SidekiqCredentials => "sidekiq_credentials", "Sidekiq Pro / Enterprise gem-server credentials (xxxxxxxx:xxxxxxxx)";
    SnykToken => "snyk_token", "Snyk API token (a UUID beside a snyk key)";
    SonarToken => "sonar_token", "SonarQube / SonarCloud token (squ_, sqp_, sqa_, or 40 chars beside a sonar key)";
    SourcegraphToken => "sourcegraph_token", "Sourcegraph access token (sgp_…)";
    SquareAccessToken => "square_access_token", "Square access token or application secret (EAAA…, sq0atp-…, sq0csp-…)";
    SquarespaceToken => "squarespace_token", "Squarespace API key beside a squarespace key";
    SumologicToken => "sumologic_token", "Sumo Logic access key beside a sumo key";
    TerraformCloudToken => "terraform_cloud_token", "Terraform Cloud / Enterprise API token (….atlasv1.…)";
    TravisciToken => "travisci_token", "Travis CI access token beside a travis key";
    TwitchToken => "twitch_token", "Twitch API token beside a twitch key";
    TwitterToken => "twitter_token", "Twitter / X bearer token (AAAA…%…), API key, secret or access token beside a twitter key";
    TypeformToken => "typeform_token", "Typeform personal access token (tfp_…)";
    VaultToken => "vault_token", "HashiCorp Vault token (hvs.…, hvb.…, or s.… beside a vault key)";
    YandexToken => "yandex_token", "Yandex Cloud IAM token, API key (AQVN…) or static access key beside a yandex key";
    ZendeskToken => "zendesk_token", "Zendesk API token beside a zendesk key";
    GoogleOauthToken => "google_oauth_token", "Google OAuth access or refresh token (ya29.…, 1//0…)";
    XaiApiKey => "xai_api_key", "xAI API key (xai-…)";
    GroqApiKey => "groq_api_key", "Groq API key (gsk_…)";
    ReplicateToken => "replicate_token", "Replicate API token (r8_…)";
    UrlPassword => "url_password", "password inside a URL / connection string (postgres, mysql, mongodb(+srv), redis, amqp, http, …); scheme, user and host are kept";
    BearerToken => "bearer_token", "token after `Bearer` / `Authorization: token` (the word Bearer is kept)";
    BasicAuth => "basic_auth", "base64 credentials after `Basic` (Authorization: Basic …)";
    Password => "password", "value assigned to a password / passwd / pwd / pass / passphrase key, flag or XML element; .netrc password";
    Secret => "secret", "value assigned to a …secret / secret_key / private_key / signing_key key";
    Token => "token", "value assigned to a …token key (access_token, GITHUB_TOKEN, authToken …), or a bare Authorization header value";
    ApiKey => "api_key", "value assigned to an api_key / apikey / x-api-key / access_key key";
    HighEntropySecret => "high_entropy_secret", "random-looking string right after a secret keyword in prose or tables";
}

impl Kind {
    /// Kinds that name an account or an application rather than hold a
    /// secret. They are known (a `kinds` list may name them) but not
    /// detected by default: see "Identifiers" in the README.
    pub const IDENTIFIERS: &'static [Kind] = &[Kind::TwilioAccountSid];

    /// Detected when the configuration does not list `kinds`.
    pub fn on_by_default(self) -> bool {
        !Self::IDENTIFIERS.contains(&self)
    }
}
