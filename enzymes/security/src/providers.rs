//! Provider-context detection: secrets with no self-identifying prefix
//! (a Datadog API key is 32 hex characters, like many other things) that are
//! recognised by the provider named in the key they are assigned to
//! (`DATADOG_API_KEY = "…"`, `twitter.consumer_secret: …`) and by their exact
//! shape.
//!
//! A key names a provider when a run of its components (`DD`, `API`, `KEY`;
//! `linked`, `in`) spells one of the provider's names, or one component
//! starts with a name of four letters or more (`datadoghq_key`). Keys that
//! name an identifier (`…_ID`, `…_SID`, `…_USER`, `…_URL`, …) never match:
//! identifiers are not secrets (README, "Identifiers").

use crate::heuristics::components;
use crate::kinds::Kind;

/// One provider: its kind, the names a key may contain, and the shapes its
/// secrets take (regex bodies matched against the whole value).
pub struct Provider {
    pub kind: Kind,
    pub names: &'static [&'static str],
    pub shapes: &'static [&'static str],
}

macro_rules! uuid {
    () => {
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    };
}

/// The table. Shapes are exact: the whole value must match one.
pub const PROVIDERS: &[Provider] = &[
    Provider { kind: Kind::AdafruitApiKey, names: &["adafruit"], shapes: &["[A-Za-z0-9_-]{32}"] },
    Provider { kind: Kind::AirtableApiKey, names: &["airtable"], shapes: &["[A-Za-z0-9]{17}"] },
    Provider { kind: Kind::AlgoliaApiKey, names: &["algolia"], shapes: &["[A-Za-z0-9]{32}"] },
    Provider { kind: Kind::AlibabaSecretKey, names: &["alibaba", "aliyun"], shapes: &["[A-Za-z0-9]{30}"] },
    Provider {
        kind: Kind::ArtifactoryToken,
        names: &["jfrog", "artifactory", "bintray", "xray"],
        shapes: &["[A-Za-z0-9]{73}", "[A-Za-z0-9]{64}"],
    },
    Provider {
        kind: Kind::AsanaToken,
        names: &["asana"],
        shapes: &["[A-Za-z0-9]{32}", "[0-9]/[0-9]{10,20}(?:/[0-9]{10,20})?:[A-Za-z0-9]{32}"],
    },
    Provider {
        kind: Kind::AtlassianApiToken,
        names: &["atlassian", "confluence", "jira"],
        shapes: &["[A-Za-z0-9]{24}"],
    },
    Provider { kind: Kind::BeamerApiToken, names: &["beamer"], shapes: &["b_[A-Za-z0-9=_-]{44}"] },
    Provider { kind: Kind::BitbucketClientSecret, names: &["bitbucket"], shapes: &["[A-Za-z0-9=_-]{32,64}"] },
    Provider { kind: Kind::BittrexApiKey, names: &["bittrex"], shapes: &["[A-Za-z0-9]{32}"] },
    Provider { kind: Kind::CiscoMerakiApiKey, names: &["meraki"], shapes: &["[0-9a-fA-F]{40}"] },
    Provider {
        kind: Kind::CloudflareApiKey,
        names: &["cloudflare", "cf"],
        shapes: &["[A-Za-z0-9_-]{40}", "[a-f0-9]{37}"],
    },
    Provider { kind: Kind::CodecovToken, names: &["codecov"], shapes: &["[A-Za-z0-9]{32}", uuid!()] },
    Provider { kind: Kind::CohereApiKey, names: &["cohere", "coapikey"], shapes: &["[A-Za-z0-9]{40}"] },
    Provider { kind: Kind::CoinbaseAccessToken, names: &["coinbase"], shapes: &["[A-Za-z0-9_-]{64}"] },
    Provider {
        kind: Kind::ConfluentApiKey,
        names: &["confluent", "ccloud"],
        shapes: &["[A-Za-z0-9]{16}", "[A-Za-z0-9+/]{64}"],
    },
    Provider { kind: Kind::ContentfulToken, names: &["contentful"], shapes: &["[A-Za-z0-9=_-]{43}"] },
    Provider { kind: Kind::DatadogApiKey, names: &["datadog", "dd"], shapes: &["[a-f0-9]{32}", "[a-f0-9]{40}"] },
    Provider {
        kind: Kind::DiscordClientSecret,
        names: &["discord"],
        shapes: &["[a-fA-F0-9]{64}", "[A-Za-z0-9=_-]{32}"],
    },
    Provider { kind: Kind::DroneciToken, names: &["droneci", "drone"], shapes: &["[A-Za-z0-9]{32}"] },
    Provider {
        kind: Kind::DropboxToken,
        names: &["dropbox"],
        shapes: &["[A-Za-z0-9]{15}", "[A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_=-]{43}"],
    },
    Provider { kind: Kind::EtsyToken, names: &["etsy"], shapes: &["[A-Za-z0-9]{24}"] },
    Provider {
        kind: Kind::FacebookAppSecret,
        names: &["facebook", "fb"],
        shapes: &["[a-fA-F0-9]{32}", "[0-9]{15,16}(?:\\||%7[Cc])[0-9A-Za-z_-]{27,40}"],
    },
    Provider { kind: Kind::FastlyApiToken, names: &["fastly"], shapes: &["[A-Za-z0-9=_-]{32}"] },
    Provider { kind: Kind::FinicitySecret, names: &["finicity"], shapes: &["[a-fA-F0-9]{32}", "[A-Za-z0-9]{20}"] },
    Provider { kind: Kind::FinnhubToken, names: &["finnhub"], shapes: &["[A-Za-z0-9]{20}"] },
    Provider { kind: Kind::FlickrToken, names: &["flickr"], shapes: &["[A-Za-z0-9]{32}"] },
    Provider { kind: Kind::FreshbooksToken, names: &["freshbooks"], shapes: &["[A-Za-z0-9]{64}"] },
    Provider { kind: Kind::GitterToken, names: &["gitter"], shapes: &["[A-Za-z0-9_-]{40}"] },
    Provider { kind: Kind::GocardlessToken, names: &["gocardless"], shapes: &["(?:live|sandbox)_[A-Za-z0-9_=-]{40}"] },
    Provider { kind: Kind::HerokuApiKey, names: &["heroku"], shapes: &[uuid!()] },
    Provider { kind: Kind::HubspotApiKey, names: &["hubspot"], shapes: &[uuid!()] },
    Provider { kind: Kind::IntercomToken, names: &["intercom"], shapes: &["[A-Za-z0-9=_-]{60}"] },
    Provider { kind: Kind::KrakenApiKey, names: &["kraken"], shapes: &["[A-Za-z0-9/=_+-]{80,90}"] },
    Provider { kind: Kind::KucoinApiKey, names: &["kucoin"], shapes: &["[a-fA-F0-9]{24}", uuid!()] },
    Provider {
        kind: Kind::LaunchdarklyToken,
        names: &["launchdarkly"],
        shapes: &["[A-Za-z0-9=_-]{40}", concat!("(?:api|sdk|mob)-", uuid!())],
    },
    Provider { kind: Kind::LinearApiKey, names: &["linear"], shapes: &["[a-fA-F0-9]{32}"] },
    Provider { kind: Kind::LinkedinClientSecret, names: &["linkedin"], shapes: &["[A-Za-z0-9]{16}"] },
    Provider { kind: Kind::LobApiKey, names: &["lob"], shapes: &["(?:live|test)_[a-fA-F0-9]{35}"] },
    Provider { kind: Kind::LookerClientSecret, names: &["looker"], shapes: &["[A-Za-z0-9]{24}"] },
    Provider { kind: Kind::MailgunApiKey, names: &["mailgun"], shapes: &["[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}"] },
    Provider { kind: Kind::MattermostToken, names: &["mattermost"], shapes: &["[A-Za-z0-9]{26}"] },
    Provider { kind: Kind::MessagebirdApiKey, names: &["messagebird"], shapes: &["[A-Za-z0-9]{25}"] },
    Provider { kind: Kind::NetlifyToken, names: &["netlify"], shapes: &["[A-Za-z0-9=_-]{40,46}"] },
    Provider { kind: Kind::NytimesToken, names: &["nytimes", "newyorktimes"], shapes: &["[A-Za-z0-9=_-]{32}"] },
    Provider { kind: Kind::OktaToken, names: &["okta"], shapes: &["00[A-Za-z0-9=_-]{40}"] },
    Provider { kind: Kind::PlaidSecret, names: &["plaid"], shapes: &["[A-Za-z0-9]{30}"] },
    Provider { kind: Kind::PrivateaiApiKey, names: &["privateai"], shapes: &["[A-Za-z0-9]{32}"] },
    Provider { kind: Kind::RapidapiKey, names: &["rapidapi"], shapes: &["[A-Za-z0-9_-]{50}"] },
    Provider { kind: Kind::SendbirdToken, names: &["sendbird"], shapes: &["[a-fA-F0-9]{40}"] },
    Provider { kind: Kind::SentryToken, names: &["sentry"], shapes: &["[a-fA-F0-9]{64}"] },
    Provider { kind: Kind::SidekiqCredentials, names: &["contribsys"], shapes: &["[a-fA-F0-9]{8}:[a-fA-F0-9]{8}"] },
    Provider { kind: Kind::SnykToken, names: &["snyk"], shapes: &[uuid!()] },
    Provider {
        kind: Kind::SonarToken,
        names: &["sonar", "sonarqube", "sonarcloud"],
        shapes: &["(?:squ_|sqp_|sqa_)?[A-Za-z0-9=_-]{40}"],
    },
    Provider { kind: Kind::SourcegraphToken, names: &["sourcegraph"], shapes: &["[a-fA-F0-9]{40}"] },
    Provider { kind: Kind::SquarespaceToken, names: &["squarespace"], shapes: &[uuid!()] },
    Provider { kind: Kind::SumologicToken, names: &["sumo", "sumologic"], shapes: &["[A-Za-z0-9]{64}"] },
    Provider { kind: Kind::TelegramBotToken, names: &["telegram"], shapes: &["[0-9]{5,16}:A[A-Za-z0-9_-]{34}"] },
    Provider { kind: Kind::TravisciToken, names: &["travis", "travisci"], shapes: &["[A-Za-z0-9]{22}"] },
    Provider { kind: Kind::TwitchToken, names: &["twitch"], shapes: &["[A-Za-z0-9]{30}"] },
    Provider {
        kind: Kind::TwitterToken,
        names: &["twitter", "tweepy"],
        shapes: &[
            "[A-Za-z0-9]{25}",
            "[A-Za-z0-9]{45}",
            "[A-Za-z0-9]{50}",
            "[0-9]{15,25}-[A-Za-z0-9]{20,40}",
            "A{20,24}[A-Za-z0-9%]{80,110}",
        ],
    },
    Provider { kind: Kind::VaultToken, names: &["vault"], shapes: &["s\\.[A-Za-z0-9]{24}"] },
    Provider {
        kind: Kind::YandexToken,
        names: &["yandex"],
        shapes: &["t1\\.[A-Za-z0-9_-]+=*\\.[A-Za-z0-9_-]{86}=*", "AQVN[A-Za-z0-9_-]{35,38}", "YC[A-Za-z0-9_-]{38}"],
    },
    Provider { kind: Kind::ZendeskToken, names: &["zendesk"], shapes: &["[A-Za-z0-9]{40}"] },
];

/// Last key components that name an identifier, not a secret: a key ending
/// in one of these never carries a provider secret.
const IDENTIFIER_COMPONENTS: &[&str] = &[
    "id",
    "ids",
    "sid",
    "uid",
    "user",
    "username",
    "login",
    "email",
    "account",
    "org",
    "organization",
    "tenant",
    "project",
    "region",
    "zone",
    "url",
    "uri",
    "endpoint",
    "host",
    "hostname",
    "domain",
    "site",
    "name",
    "path",
    "file",
    "dir",
    "port",
    "version",
    "enabled",
    "timeout",
    "channel",
    "team",
    "workspace",
    "env",
    "environment",
    "app",
    "index",
    "bucket",
    "number",
    "phone",
    "publishable",
    "public",
    "pub",
    "pubkey",
    "dsn",
];

/// The prefilter's triggers for provider keys: every name of four letters
/// or more, and the short ones with the separator that follows them in a
/// key (`DD_API_KEY`), so that `add` or `lob` in `global` do not fire.
pub fn triggers() -> Vec<String> {
    let mut v: Vec<String> = PROVIDERS
        .iter()
        .flat_map(|p| p.names.iter())
        .map(|n| match *n {
            "coapikey" => "co_api_key".to_string(),
            n if n.len() < 4 => format!("{n}_"),
            n => n.to_string(),
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Every provider name as a regex alternation (`adafruit|airtable|…`), for
/// the assignment rule's key.
pub fn name_alternation() -> String {
    let mut v: Vec<&str> = PROVIDERS.iter().flat_map(|p| p.names.iter().copied()).collect();
    v.sort_unstable();
    v.dedup();
    v.iter().map(|n| if *n == "coapikey" { "co_api_key" } else { n }).collect::<Vec<_>>().join("|")
}

/// The providers named by `key`, if the key does not name an identifier.
pub fn providers_for_key(key: &str) -> impl Iterator<Item = (usize, &'static Provider)> {
    static NAMES: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        // A prefilter: the first four letters of each name (a key may split
        // the name, `linked_in`); `coapikey` is spelled CO_API_KEY.
        let all: Vec<&str> = PROVIDERS
            .iter()
            .flat_map(|p| p.names.iter())
            .map(|n| if *n == "coapikey" { "co_api" } else { &n[..n.len().min(4)] })
            .collect();
        aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(all).expect("literal names")
    });
    // Most keys name no provider: skip splitting them.
    let comps = if names.is_match(key) { components(key) } else { Vec::new() };
    let ok = comps.last().is_some_and(|l| !IDENTIFIER_COMPONENTS.contains(&l.as_str()));
    PROVIDERS.iter().enumerate().filter(move |(_, p)| ok && p.names.iter().any(|n| names_key(&comps, n)))
}

/// Does a run of components spell `name`, or does a component start with it?
fn names_key(comps: &[String], name: &str) -> bool {
    for i in 0..comps.len() {
        if name.len() >= 4 && comps[i].starts_with(name) {
            return true;
        }
        let mut run = String::new();
        for c in &comps[i..] {
            run.push_str(c);
            if run.len() >= name.len() {
                break;
            }
        }
        if run == name {
            return true;
        }
    }
    false
}

/// The whole-value regex of each provider, in table order.
pub fn shape_patterns() -> Vec<String> {
    PROVIDERS.iter().map(|p| format!("^(?:{})$", p.shapes.join("|"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_providers() {
        let kinds = |k: &str| providers_for_key(k).map(|(_, p)| p.kind).collect::<Vec<_>>();
        assert_eq!(kinds("DATADOG_API_KEY"), [Kind::DatadogApiKey]);
        assert_eq!(kinds("DD_APP_KEY"), [Kind::DatadogApiKey]);
        assert_eq!(kinds("linked_in_secret"), [Kind::LinkedinClientSecret]);
        assert_eq!(kinds("CO_API_KEY"), [Kind::CohereApiKey]);
        assert_eq!(kinds("datadoghqKey"), [Kind::DatadogApiKey]);
        assert!(kinds("DISCORD_CLIENT_ID").is_empty(), "an id is not a secret");
        assert!(kinds("GLOBAL_KEY").is_empty(), "lob is a whole component only");
        assert!(kinds("add_key").is_empty());
    }

    #[test]
    fn shapes_compile() {
        for p in shape_patterns() {
            regex::Regex::new(&p).unwrap();
        }
    }
}
