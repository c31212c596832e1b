//! Vocabulary shared by the text and code templates, and the `«slot»` filler.

use super::rng::Rng;

/// A business noun with the columns a table of it would have.
pub struct Noun {
    pub one: &'static str,
    pub many: &'static str,
    /// Columns besides `id`: [foreign key / owner, numeric, date, category, text].
    pub fk: &'static str,
    pub num: &'static str,
    pub date: &'static str,
    pub cat: &'static str,
    pub text: &'static str,
    /// Values the category column takes.
    pub cats: &'static [&'static str],
}

pub static NOUNS: &[Noun] = &[
    Noun {
        one: "user",
        many: "users",
        fk: "team_id",
        num: "login_count",
        date: "created_at",
        cat: "role",
        text: "email",
        cats: &["admin", "member", "viewer"],
    },
    Noun {
        one: "order",
        many: "orders",
        fk: "customer_id",
        num: "total",
        date: "created_at",
        cat: "status",
        text: "note",
        cats: &["pending", "paid", "shipped", "refunded"],
    },
    Noun {
        one: "invoice",
        many: "invoices",
        fk: "account_id",
        num: "amount",
        date: "due_date",
        cat: "state",
        text: "memo",
        cats: &["draft", "open", "paid", "void"],
    },
    Noun {
        one: "event",
        many: "events",
        fk: "user_id",
        num: "duration_ms",
        date: "occurred_at",
        cat: "event_type",
        text: "payload",
        cats: &["click", "view", "signup", "purchase"],
    },
    Noun {
        one: "product",
        many: "products",
        fk: "vendor_id",
        num: "price",
        date: "updated_at",
        cat: "category",
        text: "title",
        cats: &["books", "garden", "electronics", "toys"],
    },
    Noun {
        one: "session",
        many: "sessions",
        fk: "user_id",
        num: "page_views",
        date: "started_at",
        cat: "device_type",
        text: "user_agent",
        cats: &["desktop", "mobile", "tablet"],
    },
    Noun {
        one: "payment",
        many: "payments",
        fk: "order_id",
        num: "amount",
        date: "processed_at",
        cat: "method",
        text: "reference",
        cats: &["card", "pix", "sepa", "paypal"],
    },
    Noun {
        one: "ticket",
        many: "tickets",
        fk: "assignee_id",
        num: "priority",
        date: "opened_at",
        cat: "queue",
        text: "subject",
        cats: &["billing", "login", "bug", "feature"],
    },
    Noun {
        one: "shipment",
        many: "shipments",
        fk: "order_id",
        num: "weight_kg",
        date: "shipped_at",
        cat: "carrier",
        text: "tracking_code",
        cats: &["ups", "dhl", "fedex", "correios"],
    },
    Noun {
        one: "metric",
        many: "metrics",
        fk: "host_id",
        num: "value",
        date: "recorded_at",
        cat: "name",
        text: "labels",
        cats: &["cpu", "memory", "disk", "latency"],
    },
    Noun {
        one: "message",
        many: "messages",
        fk: "channel_id",
        num: "reactions",
        date: "sent_at",
        cat: "kind",
        text: "body",
        cats: &["text", "image", "system"],
    },
    Noun {
        one: "article",
        many: "articles",
        fk: "author_id",
        num: "views",
        date: "published_at",
        cat: "section",
        text: "title",
        cats: &["news", "sports", "tech", "opinion"],
    },
    Noun {
        one: "device",
        many: "devices",
        fk: "owner_id",
        num: "battery_level",
        date: "last_seen",
        cat: "platform",
        text: "model",
        cats: &["android", "ios", "linux"],
    },
    Noun {
        one: "transaction",
        many: "transactions",
        fk: "account_id",
        num: "amount",
        date: "booked_at",
        cat: "merchant_category",
        text: "description",
        cats: &["groceries", "travel", "utilities", "dining"],
    },
    Noun {
        one: "booking",
        many: "bookings",
        fk: "guest_id",
        num: "nights",
        date: "check_in",
        cat: "room_type",
        text: "notes",
        cats: &["single", "double", "suite"],
    },
    Noun {
        one: "job",
        many: "jobs",
        fk: "queue_id",
        num: "attempts",
        date: "scheduled_at",
        cat: "state",
        text: "args",
        cats: &["queued", "running", "failed", "done"],
    },
    Noun {
        one: "review",
        many: "reviews",
        fk: "product_id",
        num: "rating",
        date: "submitted_at",
        cat: "sentiment",
        text: "comment",
        cats: &["positive", "neutral", "negative"],
    },
    Noun {
        one: "employee",
        many: "employees",
        fk: "department_id",
        num: "salary",
        date: "hired_at",
        cat: "level",
        text: "full_name",
        cats: &["junior", "mid", "senior", "staff"],
    },
];

pub const VERBS: &[&str] = &[
    "load",
    "fetch",
    "parse",
    "sync",
    "validate",
    "export",
    "import",
    "process",
    "normalize",
    "archive",
    "enrich",
    "aggregate",
];

pub const SERVICES: &[&str] = &[
    "billing-api",
    "auth-service",
    "orders-api",
    "search-indexer",
    "notification-worker",
    "reporting",
    "payments-gateway",
    "inventory",
    "user-profile",
    "ingest-pipeline",
    "checkout",
    "media-resizer",
    "analytics-etl",
    "gateway",
];

pub const HOSTS: &[&str] = &[
    "db.internal",
    "10.0.3.17",
    "postgres.prod.svc.cluster.local",
    "localhost",
    "db-primary.eu-west-1.rds.amazonaws.com",
    "pg.staging.example.com",
    "127.0.0.1",
    "orders-db.default.svc",
    "warehouse.corp.local",
];

pub const DBNAMES: &[&str] = &["app", "orders", "analytics", "billing", "app_production", "main", "crm", "warehouse"];

pub const DBUSERS: &[&str] = &["app", "admin", "postgres", "svc_orders", "etl_user", "readonly", "django", "deploy"];

pub const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "sa-east-1", "ap-southeast-2", "eu-central-1", "us-west-2"];

pub const FIRST_NAMES: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia",
    "peggy", "rupert", "sybil", "trent", "victor", "walter", "yasmin", "zoe", "joao", "maria", "ana", "lucas", "pedro",
    "fernanda", "kenji", "aiko", "priya", "arjun", "fatima", "omar", "lena", "mateo", "sofia", "chen", "wei",
];

/// Accented spellings for a few users (exercise UTF-8 handling).
pub const FIRST_NAMES_UTF8: &[&str] = &["joão", "maría", "zoë", "renée", "björn", "łukasz", "françois", "søren"];

pub const AGENTS: &[&str] = &[
    "agent:claude",
    "agent:gpt-4o",
    "agent:copilot",
    "agent:gemini",
    "agent:llama-3",
    "agent:ci-bot",
    "agent:code-reviewer",
    "agent:data-assistant",
    "agent:oncall-helper",
];

pub fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// snake_case -> CamelCase.
pub fn camel(s: &str) -> String {
    s.split('_').map(cap).collect()
}

/// snake_case -> lowerCamelCase.
pub fn lower_camel(s: &str) -> String {
    let c = camel(s);
    let mut it = c.chars();
    match it.next() {
        Some(f) => f.to_lowercase().collect::<String>() + it.as_str(),
        None => c,
    }
}

/// "parse a file" -> "parses a file" (third person of the leading verb, and of
/// a verb that starts a later " and ..." clause).
pub fn third_person(phrase: &str) -> String {
    phrase
        .split(" and ")
        .enumerate()
        .map(|(i, part)| {
            let first = part.split(' ').next().unwrap_or("");
            if i == 0 || AND_VERBS.contains(&first) { third_person_verb(part) } else { part.to_string() }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

fn third_person_verb(phrase: &str) -> String {
    let (verb, rest) = phrase.split_once(' ').unwrap_or((phrase, ""));
    let v = if verb == "do" {
        "does".to_string()
    } else if verb == "have" {
        "has".to_string()
    } else if verb.ends_with("sh")
        || verb.ends_with("ch")
        || verb.ends_with('s')
        || verb.ends_with('x')
        || verb.ends_with('z')
    {
        format!("{verb}es")
    } else if verb.ends_with('y') && !matches!(verb.as_bytes()[verb.len().saturating_sub(2)], b'a' | b'e' | b'o' | b'u')
    {
        format!("{}ies", &verb[..verb.len() - 1])
    } else {
        format!("{verb}s")
    };
    if rest.is_empty() { v } else { format!("{v} {rest}") }
}

/// Verbs that can start a second clause of a task ("... and compute ...").
const AND_VERBS: &[&str] =
    &["compute", "retry", "collect", "keep", "push", "show", "expose", "return", "cancel", "verify", "store", "print"];

/// Fills `«slot»` placeholders. Unknown slots are left as they are.
pub fn fill(template: &str, mut get: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('«') {
        out.push_str(&rest[..start]);
        let after = &rest[start + '«'.len_utf8()..];
        match after.find('»') {
            Some(end) => {
                let key = &after[..end];
                match get(key) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('«');
                        out.push_str(key);
                        out.push('»');
                    }
                }
                rest = &after[end + '»'.len_utf8()..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whitespace-separated words (ASCII whitespace; fast, and what `--stats` reports).
pub fn word_count(s: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for &b in s.as_bytes() {
        let ws = b == b' ' || b == b'\n' || b == b'\t' || b == b'\r' || b == 0x0c;
        if !ws && !in_word {
            n += 1;
        }
        in_word = !ws;
    }
    n
}

/// A fast 64-bit string hash (for counting distinct texts).
pub fn hash64(s: &str) -> u64 {
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15 ^ s.len() as u64;
    let b = s.as_bytes();
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().unwrap());
        h = (h ^ v).wrapping_mul(0xBF58_476D_1CE4_E5B9).rotate_left(31);
    }
    for &x in chunks.remainder() {
        h = (h ^ x as u64).wrapping_mul(0x94D0_49BB_1331_11EB);
    }
    h ^ (h >> 29)
}

/// Formats an integer with thousands separators.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Per-snippet variables drawn once, so that a template's slots agree.
pub struct Vars {
    pub noun: &'static Noun,
    pub noun2: &'static Noun,
    pub verb: &'static str,
    pub svc: &'static str,
    pub host: &'static str,
    pub db: &'static str,
    pub region: &'static str,
    pub nums: [u32; 6],
}

impl Vars {
    pub fn new(rng: &mut Rng) -> Vars {
        let a = rng.below(NOUNS.len());
        let mut b = rng.below(NOUNS.len());
        if b == a {
            b = (b + 1) % NOUNS.len();
        }
        Vars {
            noun: &NOUNS[a],
            noun2: &NOUNS[b],
            verb: *rng.pick(VERBS),
            svc: *rng.pick(SERVICES),
            host: *rng.pick(HOSTS),
            db: *rng.pick(DBNAMES),
            region: *rng.pick(REGIONS),
            nums: [
                *rng.pick(&[3u32, 5, 5, 3, 4, 10]),
                *rng.pick(&[10u32, 20, 50, 100, 25, 30]),
                *rng.pick(&[8000u32, 8080, 3000, 5000, 8000, 9000, 4000]),
                *rng.pick(&[1024u32, 4096, 8192, 65536, 1_048_576]),
                *rng.pick(&[7u32, 14, 30, 90, 3]),
                rng.range(2, 9) as u32,
            ],
        }
    }

    pub fn get(&self, k: &str) -> Option<String> {
        let n = self.noun;
        let m = self.noun2;
        Some(match k {
            "noun" => n.one.into(),
            "a_noun" => format!("{} {}", if n.one.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }, n.one),
            "nouns" => n.many.into(),
            "Noun" => camel(n.one),
            "Nouns" => camel(n.many),
            "noun2" => m.one.into(),
            "nouns2" => m.many.into(),
            "Noun2" => camel(m.one),
            "fk" => n.fk.into(),
            "num" => n.num.into(),
            "date" => n.date.into(),
            "cat" => n.cat.into(),
            "text" => n.text.into(),
            "cat1" => n.cats[0].into(),
            "cat2" => n.cats[1 % n.cats.len()].into(),
            "fkCamel" => lower_camel(n.fk),
            "numCamel" => lower_camel(n.num),
            "dateCamel" => lower_camel(n.date),
            "catCamel" => lower_camel(n.cat),
            "textCamel" => lower_camel(n.text),
            "verb" => self.verb.into(),
            "fn" => format!("{}_{}", self.verb, n.many),
            "fnCamel" => format!("{}{}", self.verb, camel(n.many)),
            "FnCamel" => format!("{}{}", cap(self.verb), camel(n.many)),
            "svc" => self.svc.into(),
            "svc_snake" => self.svc.replace('-', "_"),
            "SVC" => self.svc.replace('-', "_").to_uppercase(),
            "host" => self.host.into(),
            "db" => self.db.into(),
            "region" => self.region.into(),
            "retries" => self.nums[0].to_string(),
            "batch" => self.nums[1].to_string(),
            "port" => self.nums[2].to_string(),
            "chunk" => self.nums[3].to_string(),
            "days" => self.nums[4].to_string(),
            "small" => self.nums[5].to_string(),
            "workers" => (self.nums[5] * 2).to_string(),
            _ => return None,
        })
    }

    pub fn fill(&self, t: &str) -> String {
        fill(t, |k| self.get(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(third_person("parse a file"), "parses a file");
        assert_eq!(third_person("retry the call"), "retries the call");
        assert_eq!(third_person("fetch rows"), "fetches rows");
        assert_eq!(third_person("deploy it"), "deploys it");
        assert_eq!(third_person("load a.csv and compute the total"), "loads a.csv and computes the total");
        assert_eq!(third_person("hash and verify passwords"), "hashes and verifies passwords");
        assert_eq!(camel("created_at"), "CreatedAt");
        assert_eq!(lower_camel("created_at"), "createdAt");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(fill("a «x» {y} «z»", |k| (k == "x").then(|| "1".to_string())), "a 1 {y} «z»");
    }
}
