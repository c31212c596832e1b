//! Builds queries (`this`) and responses (`if_ok`) from the catalog, code
//! templates and sentence pools, with the formatting quirks of scraped data.

use super::catalog::{TECHS, Tech};
use super::code::{self, Lang, Pair, REFACTORS, TRANSLATIONS, VULNS};
use super::rng::Rng;
use super::secrets::{self, Planted};
use super::vocab::{Vars, cap, third_person, thousands};

/// A generated text with what was planted in it.
#[derive(Clone, Debug, Default)]
pub struct Text {
    pub s: String,
    /// Whitespace-separated words in `s` (kept up to date by the builders).
    pub words: usize,
    pub secrets: Vec<&'static str>,
    pub decoys: Vec<&'static str>,
    pub fmt: FmtFlags,
}

/// Formatting features present in a text (for `--stats`).
#[derive(Clone, Copy, Debug, Default)]
pub struct FmtFlags {
    pub fenced_lang: u16,
    pub fenced_bare: u16,
    pub indented: u16,
    pub raw_code: u16,
    pub crlf: bool,
    pub trailing_ws: bool,
    pub blank_runs: bool,
    pub minified_json: bool,
}

impl FmtFlags {
    pub fn code_blocks(&self) -> u16 {
        self.fenced_lang + self.fenced_bare + self.indented + self.raw_code
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeStyle {
    FencedLang,
    FencedBare,
    Indented,
    Raw,
}

#[derive(Clone, Debug)]
pub enum Plan {
    Explain { concept: usize, other: Option<usize>, style: usize },
    Write { task: usize, constraint: usize },
    Debug { err: usize, paste: bool },
    Optimize { slow: usize },
    Refactor { pair: usize },
    Review { task: usize },
    Tests { task: usize },
    Security { vuln: usize },
    Translate { idx: usize },
    Analyze { ds: usize, table: bool, values: Vec<(u64, u64)> },
    Design { system: usize, rps: u32 },
    Summarize { incident: Incident },
}

#[derive(Clone, Debug)]
pub struct Incident {
    pub cause: usize,
    pub minutes: u32,
    pub pct: u32,
    pub start_h: u32,
    pub start_m: u32,
}

/// Everything one span's texts are about.
pub struct Topic {
    pub tech: &'static Tech,
    pub vars: Vars,
    pub did: &'static str,
    pub domain: &'static str,
    pub plan: Plan,
}

/// (task snippet, the test snippet that exercises it).
pub const TEST_PAIRS: &[(&str, &str)] = &[
    ("py_dedupe", "py_pytest"),
    ("py_validate", "py_pytest"),
    ("js_debounce", "js_jest"),
    ("rs_iter_group", "rs_test"),
];

/// Actions and their weights.
pub const ACTIONS: &[(&str, u32)] = &[
    ("ask_question", 14),
    ("explain_concept", 10),
    ("write_code", 17),
    ("debug_code", 16),
    ("optimize_code", 7),
    ("refactor_code", 5),
    ("analyze_data", 8),
    ("review_code", 5),
    ("write_tests", 4),
    ("security_review", 3),
    ("translate_code", 2),
    ("design_system", 3),
    ("summarize_text", 3),
    ("configure_deployment", 3),
];

fn tech_index(t: &Tech) -> usize {
    TECHS.iter().position(|x| std::ptr::eq(x, t)).unwrap()
}

fn pick_tech(rng: &mut Rng, ok: impl Fn(&Tech) -> bool) -> &'static Tech {
    loop {
        let t = rng.pick(TECHS);
        if ok(t) {
            return t;
        }
    }
}

/// Draws a topic for a standalone span (or the first turn of a thread).
pub fn topic(rng: &mut Rng) -> Topic {
    let did = *rng.pick_weighted(ACTIONS);
    topic_for(rng, did, None)
}

/// Draws a topic for `did`, optionally on a given tech (follow-ups).
pub fn topic_for(rng: &mut Rng, did: &'static str, tech: Option<&'static Tech>) -> Topic {
    let vars = Vars::new(rng);
    let code_lang = |t: &Tech| matches!(t.lang, Lang::Python | Lang::JavaScript | Lang::TypeScript | Lang::Rust);
    let (tech, plan): (&'static Tech, Plan) = match did {
        "ask_question" | "explain_concept" => {
            let t = tech.unwrap_or_else(|| rng.pick(TECHS));
            let concept = rng.below(t.concepts.len());
            let other = if t.concepts.len() > 1 && rng.chance(0.15) {
                Some((concept + 1 + rng.below(t.concepts.len() - 1)) % t.concepts.len())
            } else {
                None
            };
            (t, Plan::Explain { concept, other, style: rng.below(8) })
        }
        "write_code" | "configure_deployment" => {
            let devops = did == "configure_deployment";
            let t = tech.filter(|t| !devops || t.domains.contains(&"devops")).unwrap_or_else(|| {
                pick_tech(rng, |t| {
                    if devops { t.domains.contains(&"devops") || t.domains.contains(&"cloud") } else { true }
                })
            });
            (t, Plan::Write { task: rng.below(t.tasks.len()), constraint: rng.below(16) })
        }
        "debug_code" => {
            let t = tech.unwrap_or_else(|| rng.pick(TECHS));
            (t, Plan::Debug { err: rng.below(t.errors.len()), paste: rng.chance(0.35) })
        }
        "optimize_code" => {
            let t = tech.unwrap_or_else(|| rng.pick(TECHS));
            (t, Plan::Optimize { slow: rng.below(t.slow.len()) })
        }
        "refactor_code" => {
            let pair = rng.below(REFACTORS.len());
            let t = tech_for_lang(rng, REFACTORS[pair].lang);
            (t, Plan::Refactor { pair })
        }
        "review_code" => {
            let t = tech.filter(|t| code_lang(t)).unwrap_or_else(|| pick_tech(rng, code_lang));
            (t, Plan::Review { task: rng.below(t.tasks.len()) })
        }
        "write_tests" => {
            // only tasks whose code the test snippets actually exercise
            let ok: Vec<usize> = (0..TEST_PAIRS.len())
                .filter(|&k| tech.is_none_or(|t| t.lang == code::by_id(TEST_PAIRS[k].0).lang))
                .collect();
            let k = if ok.is_empty() { rng.below(TEST_PAIRS.len()) } else { ok[rng.below(ok.len())] };
            let (task_id, _) = TEST_PAIRS[k];
            let (ti, ki) = TECHS
                .iter()
                .enumerate()
                .find_map(|(ti, t)| t.tasks.iter().position(|(_, id)| *id == task_id).map(|ki| (ti, ki)))
                .expect("test pair task exists");
            (&TECHS[ti], Plan::Tests { task: ki })
        }
        "security_review" => {
            let vuln = rng.below(VULNS.len());
            (&TECHS[TECHS.iter().position(|t| t.name == "Flask").unwrap()], Plan::Security { vuln })
        }
        "translate_code" => {
            let idx = rng.below(TRANSLATIONS.len());
            let t = tech_for_lang(rng, code::by_id(TRANSLATIONS[idx].1).lang);
            (t, Plan::Translate { idx })
        }
        "analyze_data" => {
            let ds = rng.below(DATASETS.len());
            let n = DATASETS[ds].dims.len();
            let mut values = Vec::with_capacity(n);
            let scale = DATASETS[ds].scale;
            for _ in 0..n {
                let prev = scale / 4 + (rng.next_u64() % scale);
                // change between -35% and +60%
                let pct = rng.range(0, 95) as i64 - 35;
                let cur = (prev as i64 + prev as i64 * pct / 100).max(1) as u64;
                values.push((cur, prev));
            }
            let t = if rng.chance(0.6) {
                &TECHS[TECHS.iter().position(|t| t.name == "pandas").unwrap()]
            } else {
                &TECHS[TECHS.iter().position(|t| t.name == "PostgreSQL").unwrap()]
            };
            (t, Plan::Analyze { ds, table: rng.chance(0.55), values })
        }
        "design_system" => {
            let t = pick_tech(rng, |t| t.domains.contains(&"backend") || t.domains.contains(&"cloud"));
            (
                t,
                Plan::Design {
                    system: rng.below(SYSTEMS.len()),
                    rps: *rng.pick(&[200u32, 1_000, 5_000, 20_000, 100_000]),
                },
            )
        }
        _ => {
            // summarize_text
            let t = pick_tech(rng, |t| t.domains.contains(&"devops") || t.domains.contains(&"cloud"));
            let incident = Incident {
                cause: rng.below(INCIDENT_CAUSES.len()),
                minutes: rng.range(7, 190) as u32,
                pct: rng.range(2, 60) as u32,
                start_h: rng.range(0, 23) as u32,
                start_m: rng.range(0, 59) as u32,
            };
            (t, Plan::Summarize { incident })
        }
    };
    let domain = match (&plan, did) {
        (Plan::Analyze { .. }, _) => *rng.pick(&["data", "analytics", "data"]),
        (Plan::Design { .. }, _) => *rng.pick(&["architecture", "backend"]),
        (Plan::Summarize { .. }, _) => *rng.pick(&["operations", "devops"]),
        (Plan::Security { .. }, _) => "security",
        _ => *rng.pick(tech.domains),
    };
    Topic { tech, vars, did, domain, plan }
}

/// "generators", "CTEs" are plural; "XSS", "MVCC", "the GIL" are not.
fn is_plural(concept: &str) -> bool {
    let c = concept.to_ascii_lowercase();
    let c = c.trim_end_matches('`');
    c.contains(" and ") || (c.ends_with('s') && !c.ends_with("ss"))
}

/// A snippet that illustrates a concept, where an obvious one exists.
fn concept_snippet(concept: &str) -> Option<&'static str> {
    const MAP: &[(&str, &str)] = &[
        ("generators", "py_chunks"),
        ("context managers", "py_chunks"),
        ("decorators", "py_cache"),
        ("dataclasses", "py_validate"),
        ("type hints", "py_csv"),
        ("the GIL", "py_asyncio"),
        ("select_related", "py_django_n1"),
        ("the ORM's lazy querysets", "py_django_n1"),
        ("Pydantic models", "py_fastapi"),
        ("async endpoints", "py_fastapi"),
        ("groupby", "py_pandas_group"),
        ("vectorization", "py_pandas_group"),
        ("pipelines", "py_sklearn"),
        ("data leakage", "py_sklearn"),
        ("autograd", "py_torch"),
        ("`model.eval()`", "py_torch"),
        ("the DataLoader", "py_torch"),
        ("borrowing", "rs_borrow_fix"),
        ("ownership", "rs_borrow_fix"),
        ("the `?` operator", "rs_error"),
        ("`Arc<Mutex<T>>`", "rs_arc_mutex"),
        ("iterators", "rs_iter_group"),
        ("promises", "js_fetch_retry"),
        ("closures", "js_debounce"),
        ("debouncing", "js_debounce"),
        ("the event loop", "js_stream_lines"),
        ("generics", "ts_generic"),
        ("the `useEffect` dependency array", "js_react"),
        ("keys in lists", "js_react"),
        ("indexes", "sql_index"),
        ("EXPLAIN ANALYZE", "sql_index"),
        ("window functions", "sql_window"),
        ("CTEs", "sql_dedupe"),
        ("multi-stage builds", "docker_multistage"),
        ("image layers", "docker_multistage"),
        ("volumes", "yml_compose"),
        ("readiness probes", "yml_k8s"),
        ("resource requests and limits", "yml_k8s"),
        ("rolling updates", "yml_k8s"),
        ("caching", "yml_gha"),
        ("`set -euo pipefail`", "sh_backup"),
        ("IAM roles", "json_iam"),
        ("goroutines", "go_workers"),
        ("channels", "go_workers"),
        ("`context.Context`", "go_handler"),
        ("password hashing", "py_argon2"),
        ("coroutines", "kt_viewmodel"),
        ("StateFlow", "kt_viewmodel"),
        ("optionals", "swift_optional"),
        ("async/await", "swift_optional"),
        ("key expiry (TTL)", "py_redis_cache"),
        ("rebase vs merge", "sh_git"),
        ("`--force-with-lease`", "sh_git"),
    ];
    MAP.iter().find(|(c, _)| *c == concept).map(|(_, id)| *id)
}

/// A general-purpose programming language (as opposed to config/query formats).
pub fn is_programming(l: Lang) -> bool {
    matches!(l, Lang::Python | Lang::Rust | Lang::JavaScript | Lang::TypeScript | Lang::Go | Lang::Kotlin | Lang::Swift)
}

fn tech_for_lang(rng: &mut Rng, lang: Lang) -> &'static Tech {
    let matching: Vec<&'static Tech> = TECHS.iter().filter(|t| t.lang == lang).collect();
    if matching.is_empty() { rng.pick(TECHS) } else { matching[rng.below(matching.len())] }
}

// ----------------------------------------------------------------- pools

const CONSTRAINTS: &[&str] = &[
    "It should handle errors gracefully.",
    "No external dependencies if possible.",
    "Keep it short, this is for a quick internal tool.",
    "Please add comments, I'm still learning.",
    "It needs to work on a few million rows.",
    "We're on an older version, so nothing too fancy please.",
    "Include type annotations.",
    "It will run in a cron job every night.",
    "Make it easy to unit test.",
    "Performance matters more than readability here.",
    "",
    "",
    "",
    "",
    "",
    "",
];

const PREAMBLES: &[&str] = &[
    "I'm working on «a_noun» service in «tech».",
    "Context: we're building «svc», mostly in «lang».",
    "New to «tech» here.",
    "I've been stuck on this for a while.",
    "Our team is migrating «svc» to «tech».",
    "Background: I maintain the «nouns» pipeline at work.",
    "I'm a backend dev, mostly «lang».",
    "Quick one.",
    "Hi!",
    "This is for a side project that tracks «nouns».",
    "I'm reviewing a PR for «svc».",
    "We have about «big» «nouns» in production.",
    "Sorry if this is a basic question.",
    "Setup: «tech» on «os».",
    "Junior dev here, first job.",
    "Following up on yesterday's discussion about «svc».",
];

const SUFFIXES: &[&str] = &[
    "Thanks in advance!",
    "Any pointers appreciated.",
    "I've already tried restarting everything.",
    "I'd prefer a solution that doesn't add new dependencies.",
    "This is blocking a release, so a quick answer would help.",
    "Please explain the reasoning, not just the code.",
    "Bonus points if it also works on Windows.",
    "I'm on «os», if that matters.",
    "I read the docs but the examples didn't help.",
    "Keep it simple please.",
    "The «nouns» table has about «big» rows.",
    "It's for «svc», which handles most of our «nouns».",
];

const CHANGES: &[&str] = &[
    "upgrading our dependencies",
    "moving the app into Docker",
    "we switched CI runners",
    "a teammate refactored the config loading",
    "merging the release branch",
    "migrating to the new database server",
    "a routine deploy this morning",
    "deploying to the staging cluster",
];

const GENERIC: &[&str] = &[
    "If you're on an older version of «tech», check the release notes first; defaults in this area have changed over time.",
    "It's worth adding a test for the empty case, because that is where this kind of code usually breaks first.",
    "In production, log the «noun» id alongside any failure so you can trace a problem back to the input that caused it.",
    "Keep the function small and free of side effects where you can; it makes testing much easier.",
    "Measure before optimizing: a quick profile often points somewhere unexpected.",
    "Make timeouts and limits configurable instead of hard-coding them, so they can be tuned without a deploy.",
    "This assumes the «nouns» fit in memory; for bigger inputs, stream them instead.",
    "Don't swallow errors silently: at the very least log them with enough context to reproduce the problem.",
    "If several services read the same «nouns», a cache in front of the database can take a lot of load off it.",
    "The same approach works for «nouns2»; only the field names change.",
    "Pin the version of «lib» in your dependency file so a future release can't change the behaviour under you.",
    "Try it against a copy of the data first, especially if it writes anything.",
    "Add a short comment explaining why the code does this, not what it does; the what is already in the code.",
    "If this runs on a schedule, make it idempotent so a retry after a partial failure does no harm.",
    "Watch the memory usage while it runs; a slow leak often only shows up after hours.",
    "Keep this change in its own pull request so it's easy to review and easy to revert.",
    "Good error messages say what went wrong and what the user can do about it.",
    "Document the decision in the README or an ADR, so the next person knows why it's done this way.",
    "Once it works, write down the command you used to verify it; future you will thank you.",
    "When in doubt, reproduce the problem with the smallest possible input before changing anything.",
    "Check that your local environment matches production (versions, environment variables, data volume); many \"works on my machine\" bugs come from that gap.",
    "Alert on the error rate, not only on total failures, so a partial outage doesn't go unnoticed.",
    "The «lib» documentation covers this well, and its examples section is worth a read.",
    "Be careful with time zones: store timestamps in UTC and convert only for display.",
    "Validate input at the boundary of your system and trust it inside; checking the same thing in every layer gets messy.",
    "If the «nouns» table keeps growing, plan for archiving old rows before it becomes a problem.",
    "Retries need a cap and some jitter, otherwise every client retries at the same moment and makes an outage worse.",
    "A feature flag lets you ship this dark and turn it on gradually.",
    "Make sure the behaviour is covered by at least one integration test that runs in CI.",
    "For «svc», I'd roll this out to one instance first and watch the metrics before going further.",
    "Naming matters: a name like `«fn»` tells the reader exactly what the function does.",
    "Keep secrets such as API keys in environment variables or a secret manager, never in the code.",
    "If the problem only shows up under load, look for shared state: a global, a connection pool or a cache.",
    "Don't forget to update the documentation and the changelog when the behaviour changes.",
    "The trade-off is a bit more code in exchange for behaviour that is explicit and easy to test.",
    "If the team isn't familiar with «concept», a short walkthrough in the pull request description helps the review.",
    "Benchmarks on a laptop can be misleading; confirm the improvement on production-like data.",
    "Decide what should happen when an upstream service is down: fail fast, serve stale data, or queue the work for later.",
    "You can run this check in a pre-commit hook so problems are caught before they reach CI.",
    "Release temporary files and connections in a `finally` block (or your language's equivalent), so failures don't leak resources.",
    "Read the error message twice; it usually names the exact file, line or field that is wrong.",
    "If you need this in more than two places, turn it into a small helper with its own tests.",
    "Keep an eye on the logs for a day after deploying; rare inputs tend to show up quickly in production.",
    "Small, boring code is a feature here: it will be read many more times than it is written.",
];

const CODE_NOTES: &[&str] = &[
    "Errors are passed up to the caller instead of being swallowed, so the top level decides how to report them.",
    "The numbers (batch size, retries, timeouts) are parameters, so you can tune them without touching the logic.",
    "Nothing here depends on global state, which makes it straightforward to unit test.",
    "It follows the usual «lang» conventions, so linters and reviewers should be happy with it.",
    "Input is checked up front, so bad data fails early with a clear message.",
    "Resources such as files and connections are released even when something fails halfway through.",
    "The same structure works in a streaming fashion if the input gets too big for memory.",
    "I kept it deliberately simple; add caching or batching only if you measure a need for it.",
    "The failure cases are explicit in the return value, so callers can't forget to handle them.",
    "Each piece does one thing, which keeps the code easy to change later.",
];

const CONFIG_NOTES: &[&str] = &[
    "Values that differ between environments are easy to override without copying the whole file.",
    "Keep this file in version control and review changes to it like code.",
    "Versions are pinned, so the setup is reproducible from one machine to the next.",
    "Validate it in CI with a linter before it is applied anywhere.",
    "Secrets are not in the file; inject them from the environment or a secret store.",
    "Start with these defaults and tune them once you have real metrics.",
];

const PERF: &[&str] = &[
    "Measure first: a profiler tells you where the time actually goes.",
    "Do less work: filter as early as possible so later steps see fewer «nouns».",
    "Batch round trips: one query for 1,000 rows is far cheaper than 1,000 queries for one row each.",
    "Cache results that are expensive to compute and rarely change.",
    "Move the work off the request path into a background job if the user doesn't need to wait for it.",
    "Check that the data structures fit the access pattern, e.g. a set or dict lookup instead of scanning a list.",
    "Parallelise only after the single-threaded version is efficient.",
    "Watch allocations in the hot loop; creating objects per item adds up quickly.",
];

const STEPS: &[&str] = &[
    "Reproduce the problem locally with the smallest input you can.",
    "Read the first error in the log, not the last one; later errors are often consequences of the first.",
    "Check which version of «tech» is actually installed: `«version_cmd»`.",
    "Print the configuration the process really sees (environment variables, config file path) at startup.",
    "Look at what changed recently: dependencies, configuration, infrastructure.",
    "Add logging right before the failing line to see the actual values.",
    "Write a failing test that captures the bug, then fix it.",
    "Search the issue tracker of «lib» for the exact error message.",
    "If it worked last week, `git bisect` finds the commit that broke it in a few steps.",
    "Roll the fix out and watch the error rate for a while.",
];

const REVIEW: &[&str] = &[
    "Add a timeout to the network call; without one, a hung server blocks this forever.",
    "The function both fetches and transforms the data. Splitting those would make it easier to test.",
    "The error path returns silently. Either raise or log it so failures are visible.",
    "`«fn»` would be a clearer name for what this does.",
    "Magic numbers like «batch» deserve a named constant.",
    "This loads everything into memory. Fine for now, but note the size assumption in a comment.",
    "There's no test for the empty input.",
    "The log message should include the «noun» id, otherwise it's hard to act on.",
    "Type annotations on the public function would help callers and the IDE.",
    "Consider what happens if this runs twice concurrently; is there any shared state?",
    "The happy path is buried in nesting. Early returns would make it read top to bottom.",
    "Nice use of the standard library here, no extra dependency needed.",
];

const TEST_NOTES: &[&str] = &[
    "Each test checks one behaviour, so a failure tells you exactly what broke.",
    "The edge cases (empty input, a single item, invalid values) are where bugs usually hide.",
    "The tests don't touch the network or a real database, so they run in milliseconds.",
    "Parametrised tests keep the cases in a table, which makes adding a new one trivial.",
    "Run them in CI on every pull request so regressions are caught before merging.",
    "If a test needs a lot of setup, that's often a hint the code under test does too much.",
];

const CLOSINGS: &[&str] = &[
    "Hope this helps!",
    "Let me know if you want me to adapt it to your setup.",
    "If you share the full stack trace, I can be more specific.",
    "Happy to go deeper on any of these points.",
    "Let me know how it goes.",
    "Feel free to ask if anything is unclear.",
];

pub struct Dataset {
    pub name: &'static str,
    pub metric: &'static str,
    pub dim: &'static str,
    pub dims: &'static [&'static str],
    pub scale: u64,
    pub money: bool,
    pub question: &'static str,
}

pub const DATASETS: &[Dataset] = &[
    Dataset {
        name: "monthly sales export",
        metric: "revenue",
        dim: "region",
        dims: &["North", "South", "East", "West", "Central"],
        scale: 400_000,
        money: true,
        question: "which regions are growing and which are falling behind",
    },
    Dataset {
        name: "website traffic report",
        metric: "sessions",
        dim: "channel",
        dims: &["organic", "paid search", "referral", "email", "social"],
        scale: 120_000,
        money: false,
        question: "where our traffic is coming from and what changed since last month",
    },
    Dataset {
        name: "support ticket stats",
        metric: "tickets",
        dim: "category",
        dims: &["billing", "login", "bugs", "feature requests", "shipping"],
        scale: 3_000,
        money: false,
        question: "what is driving the ticket volume",
    },
    Dataset {
        name: "API latency summary",
        metric: "p95 latency (ms)",
        dim: "endpoint",
        dims: &["/login", "/search", "/checkout", "/orders", "/profile"],
        scale: 900,
        money: false,
        question: "which endpoints got slower and by how much",
    },
    Dataset {
        name: "subscription data",
        metric: "cancellations",
        dim: "plan",
        dims: &["free", "starter", "pro", "enterprise"],
        scale: 2_500,
        money: false,
        question: "where churn is concentrated",
    },
    Dataset {
        name: "cloud bill breakdown",
        metric: "cost",
        dim: "service",
        dims: &["EC2", "RDS", "S3", "data transfer", "Lambda", "CloudWatch"],
        scale: 60_000,
        money: true,
        question: "what is driving the increase in our bill",
    },
    Dataset {
        name: "A/B test results",
        metric: "conversions",
        dim: "variant",
        dims: &["control", "variant B", "variant C"],
        scale: 5_000,
        money: false,
        question: "whether any variant is a clear winner",
    },
];

pub struct System {
    pub name: &'static str,
    pub points: &'static [&'static str],
}

pub const SYSTEMS: &[System] = &[
    System {
        name: "a URL shortener",
        points: &[
            "**IDs**: generate short codes by base62-encoding a unique 64-bit id (from a sequence or a Snowflake-style generator) rather than hashing the URL, so there are no collisions to handle.",
            "**Storage**: a key-value lookup by code is all the read path needs; Postgres with a unique index works up to a surprising scale, and DynamoDB or Cassandra take over beyond that.",
            "**Caching**: redirects are extremely read-heavy and rarely change, so put a CDN or Redis cache in front and you can serve most traffic without touching the database.",
            "**Analytics**: don't count clicks synchronously on the redirect path; emit an event to a queue and aggregate it asynchronously.",
            "**Abuse**: rate-limit creation per API key and scan target URLs against a blocklist.",
        ],
    },
    System {
        name: "a rate limiter for a public API",
        points: &[
            "**Algorithm**: a token bucket per API key gives smooth limits with bursts; a sliding-window counter is simpler to reason about and good enough for most APIs.",
            "**State**: keep counters in Redis with TTLs so every gateway instance sees the same numbers; use a Lua script or `INCR` with expiry so updates are atomic.",
            "**Failure mode**: decide whether to fail open or closed if Redis is unavailable; most public APIs fail open and alert.",
            "**Headers**: return `429` with `Retry-After` and the `RateLimit-*` headers so well-behaved clients can back off.",
            "**Tiers**: load limits per plan from configuration rather than code, so sales can change them without a deploy.",
        ],
    },
    System {
        name: "a notification service that sends email and push",
        points: &[
            "**Intake**: producers publish notification requests to a queue (SQS, Kafka); the API only validates and enqueues, so it stays fast.",
            "**Workers**: separate consumer pools per channel (email, push, SMS) scale independently and isolate a slow provider.",
            "**Idempotency**: give every notification an id and record deliveries, so a retry after a crash never sends twice.",
            "**Preferences**: check user preferences and quiet hours before sending, in one place rather than in every producer.",
            "**Providers**: wrap each provider behind an interface and fail over to a second one when error rates spike.",
        ],
    },
    System {
        name: "a job queue for video transcoding",
        points: &[
            "**Queue**: jobs go into a durable queue with visibility timeouts, so a crashed worker's job becomes visible again and is retried.",
            "**Workers**: autoscale GPU or CPU workers on queue depth; transcoding is embarrassingly parallel, so split long videos into segments.",
            "**Storage**: read inputs from and write outputs to object storage; only pass references through the queue, never the video itself.",
            "**Progress**: workers report progress to a small status table so the UI can show it and stuck jobs can be detected.",
            "**Poison jobs**: after N failed attempts move a job to a dead-letter queue for inspection instead of retrying forever.",
        ],
    },
    System {
        name: "a feature flag service",
        points: &[
            "**Evaluation**: evaluate flags in the client SDK from a cached ruleset instead of calling the service per check; flag checks must take microseconds.",
            "**Distribution**: push ruleset updates over server-sent events or poll every few seconds, with the last known ruleset persisted locally.",
            "**Targeting**: rules by user attributes and percentage rollouts using a stable hash of the user id, so a user sees a consistent variant.",
            "**Safety**: every change is audited and can be rolled back, and stale flags are reported so they get cleaned up.",
            "**Defaults**: code must specify a default for every flag so an outage of the service never breaks the app.",
        ],
    },
    System {
        name: "an audit log for «nouns»",
        points: &[
            "**Capture**: write audit events in the same transaction as the change (an outbox table), so no change is ever missing from the log.",
            "**Storage**: an append-only table partitioned by month, or a dedicated store such as ClickHouse once volume grows.",
            "**Integrity**: chain entries with hashes or ship them to write-once storage so tampering is detectable.",
            "**Querying**: index by entity id and actor, the two questions auditors always ask.",
            "**Retention**: define retention per regulation up front; deleting audit data later is harder than keeping it.",
        ],
    },
];

pub const INCIDENT_CAUSES: &[(&str, &str, &str)] = &[
    (
        "an expired TLS certificate on the internal load balancer",
        "renewed the certificate and restarted the proxies",
        "add certificate expiry monitoring with a 21-day warning",
    ),
    (
        "a migration that took an exclusive lock on the «nouns» table",
        "cancelled the migration and re-ran it with a concurrent index build during low traffic",
        "require a lock-timeout on all migrations and review them for locking behaviour",
    ),
    (
        "a config push that set the database connection pool size to 1",
        "rolled back the config change",
        "validate config changes in staging and add a sanity check for pool sizes",
    ),
    (
        "a memory leak in the image resizer after the library upgrade",
        "rolled back to the previous release",
        "add memory-growth alerts and a soak test for new releases",
    ),
    (
        "DNS resolution failures after a VPC change",
        "restored the previous resolver configuration",
        "put network changes through the same review and canary process as code",
    ),
    (
        "a retry storm from clients after a brief outage of «svc»",
        "temporarily raised rate limits and shed load at the gateway",
        "add jittered backoff to the client SDK and a circuit breaker in the gateway",
    ),
    (
        "a full disk on the primary database caused by unrotated WAL files",
        "freed space, fixed the archiving job and failed over to a replica",
        "alert on disk usage at 70% and on failing archive jobs",
    ),
];

// ------------------------------------------------------------- rendering

impl Topic {
    fn slot(&self, k: &str) -> Option<String> {
        let t = self.tech;
        match k {
            "tech" => Some(t.name.to_string()),
            "lang" => Some(
                if is_programming(t.lang) {
                    t.lang.name()
                } else {
                    ["Python", "Go", "TypeScript", "Java"][self.vars.nums[5] as usize % 4]
                }
                .to_string(),
            ),
            "lib" => Some(t.libs[(self.vars.nums[5] as usize) % t.libs.len()].to_string()),
            "version_cmd" => {
                Some(if t.version_cmd.is_empty() { "--version".to_string() } else { t.version_cmd.to_string() })
            }
            "concept" => Some(t.concepts[(self.vars.nums[0] as usize) % t.concepts.len()].0.to_string()),
            "big" => Some(thousands(
                [40_000u64, 250_000, 1_200_000, 8_000_000, 30_000_000, 600_000][self.vars.nums[1] as usize % 6],
            )),
            "os" => Some(
                ["Ubuntu 22.04", "macOS", "Windows 11 with WSL2", "Debian 12", "an M2 MacBook", "Fedora 40"]
                    [self.vars.nums[4] as usize % 6]
                    .to_string(),
            ),
            _ => self.vars.get(k),
        }
    }

    /// Fills `«slots»` from this topic (tech-level slots plus `Vars`).
    pub fn fill(&self, s: &str) -> String {
        super::vocab::fill(s, |k| self.slot(k))
    }
}

/// Builds a response as a list of parts (paragraphs, lists, code blocks).
struct Doc {
    parts: Vec<String>,
    words: usize,
    fmt: FmtFlags,
    style: CodeStyle,
    minify_json: bool,
    secrets: Vec<&'static str>,
    decoys: Vec<&'static str>,
}

fn count_words(s: &str) -> usize {
    super::vocab::word_count(s)
}

impl Doc {
    fn new(style: CodeStyle, minify_json: bool) -> Doc {
        Doc {
            parts: Vec::new(),
            words: 0,
            fmt: FmtFlags::default(),
            style,
            minify_json,
            secrets: Vec::new(),
            decoys: Vec::new(),
        }
    }

    fn push(&mut self, s: String) {
        if s.is_empty() {
            return;
        }
        self.words += count_words(&s);
        self.parts.push(s);
    }

    fn code(&mut self, rng: &mut Rng, code: &str, lang: Option<Lang>) {
        let mut body = code.to_string();
        if lang == Some(Lang::Json) && self.minify_json {
            body = minify_json(&body);
            self.fmt.minified_json = true;
        }
        // Raw (unmarked) code only for real code, never for one-line prose dumps.
        let mut style = self.style;
        if lang.is_none() && style == CodeStyle::FencedLang {
            style = CodeStyle::FencedBare;
        }
        let block = match style {
            CodeStyle::FencedLang => {
                self.fmt.fenced_lang += 1;
                let label = rng.pick(lang.unwrap().labels());
                format!("```{label}\n{body}\n```")
            }
            CodeStyle::FencedBare => {
                self.fmt.fenced_bare += 1;
                format!("```\n{body}\n```")
            }
            CodeStyle::Indented => {
                self.fmt.indented += 1;
                body.lines()
                    .map(|l| if l.is_empty() { String::new() } else { format!("    {l}") })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            CodeStyle::Raw => {
                self.fmt.raw_code += 1;
                body
            }
        };
        self.push(block);
    }

    fn list(&mut self, items: &[String], numbered: bool, bullet: &str) {
        let s = items
            .iter()
            .enumerate()
            .map(|(i, it)| if numbered { format!("{}. {it}", i + 1) } else { format!("{bullet} {it}") })
            .collect::<Vec<_>>()
            .join("\n");
        self.push(s);
    }

    fn planted(&mut self, rng: &mut Rng, p: Planted) {
        self.code(rng, &p.text, p.lang);
        self.secrets.extend(p.secrets);
        self.decoys.extend(p.decoys);
    }

    fn finish(self, rng: &mut Rng, noise: bool) -> Text {
        let mut fmt = self.fmt;
        let mut s = self.parts.join("\n\n");
        if noise {
            if rng.chance(0.08) {
                s = add_trailing_ws(rng, &s);
                fmt.trailing_ws = true;
            }
            if rng.chance(0.07) && s.contains("\n\n") {
                s = add_blank_runs(rng, &s);
                fmt.blank_runs = true;
            }
            if rng.chance(0.04) {
                s = s.replace('\n', "\r\n");
                fmt.crlf = true;
            }
        }
        Text { s, words: self.words, secrets: self.secrets, decoys: self.decoys, fmt }
    }
}

fn add_trailing_ws(rng: &mut Rng, s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 64);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
        if !line.is_empty() && rng.chance(0.3) {
            out.push_str(*rng.pick(&[" ", "  ", "\t", "   "]));
        }
    }
    out
}

fn add_blank_runs(rng: &mut Rng, s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 32);
    let mut first = true;
    for part in s.split("\n\n") {
        if !first {
            out.push_str(if rng.chance(0.4) { *rng.pick(&["\n\n\n", "\n\n\n\n", "\n\n\n\n\n"]) } else { "\n\n" });
        }
        first = false;
        out.push_str(part);
    }
    out
}

/// Removes insignificant whitespace from JSON text (strings are kept intact).
pub fn minify_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_str = false;
    let mut esc = false;
    for c in s.chars() {
        if in_str {
            out.push(c);
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

pub fn code_style(rng: &mut Rng) -> CodeStyle {
    *rng.pick_weighted(&[
        (CodeStyle::FencedLang, 60),
        (CodeStyle::FencedBare, 18),
        (CodeStyle::Indented, 15),
        (CodeStyle::Raw, 7),
    ])
}

/// Response length target in words (before overshoot from code blocks).
fn target_words(rng: &mut Rng) -> usize {
    let buckets: &[((usize, usize), u32)] = &[
        ((20, 40), 120),
        ((40, 80), 220),
        ((80, 150), 260),
        ((150, 250), 180),
        ((250, 400), 110),
        ((400, 600), 70),
        ((600, 1000), 25),
        ((1000, 2000), 15),
    ];
    let (lo, hi) = *rng.pick_weighted(buckets);
    rng.range(lo, hi)
}

fn snippet_text(topic: &Topic, id: &str) -> (String, Lang) {
    let s = code::by_id(id);
    (topic.vars.fill(s.code), s.lang)
}

fn sentence_case(s: &str) -> String {
    cap(s)
}

// ------------------------------------------------------------------ query

/// Builds the query text. `followup` switches to follow-up phrasing.
pub fn query(rng: &mut Rng, topic: &Topic, followup: bool) -> Text {
    let style = code_style(rng);
    let mut doc = Doc::new(if style == CodeStyle::Raw { CodeStyle::FencedBare } else { style }, false);
    let t = topic.tech;
    let v = &topic.vars;
    let lang = t.lang.name();
    match &topic.plan {
        Plan::Explain { concept, other, style } => {
            let (c, _) = t.concepts[*concept];
            // agreement: "What are generators", "How do iterators work"
            let pl = is_plural(c);
            let (is, does, it) = if pl { ("are", "do", "they") } else { ("is", "does", "it") };
            let itm = if pl { "them" } else { "it" };
            let s = if followup {
                match rng.below(5) {
                    0 => format!(
                        "Could you explain {c} in a bit more detail? How does it relate to what you just showed?"
                    ),
                    1 => format!("And how {does} {c} fit into this?"),
                    2 => format!("One more question: what exactly {is} {c} in {}?", t.name),
                    3 => format!("You mentioned {c}. Why {does} {it} matter here?"),
                    _ => format!("{} {c} something I need to worry about in this code?", cap(is)),
                }
            } else if let Some(o) = other {
                let (c2, _) = t.concepts[*o];
                match style % 2 {
                    0 => format!("Can you explain {c} and {c2} in {}? I keep mixing them up in code reviews.", t.name),
                    _ => format!("What's the relationship between {c} and {c2} in {}?", t.name),
                }
            } else if rng.chance(0.03) {
                // a few questions in other languages
                match style % 3 {
                    0 => format!(
                        "Pode explicar o que são {c} em {}? Estou estudando para uma entrevista técnica.",
                        t.name
                    ),
                    1 => format!("Alguém me explica como funciona {c} no {}? Não entendi a documentação.", t.name),
                    _ => format!("¿Me puedes explicar qué es {c} en {}, con un ejemplo sencillo?", t.name),
                }
            } else {
                match style {
                    0 => format!("What {is} {c} in {}?", t.name),
                    1 => format!("How {does} {c} work in {}?", t.name),
                    2 => format!("When should I use {c} in {}, and when {is} {it} overkill?", t.name),
                    3 => format!("Explain {c} in {} like I'm a junior developer.", t.name),
                    4 => format!("I keep reading about {c} in {}. What problem {does} {it} actually solve?", t.name),
                    5 => format!("Can you give me a short explanation of {c}, with a {lang} example?"),
                    6 => format!("quick question: what {does} {c} mean in {}", t.name),
                    _ => format!(
                        "I'm preparing a talk for my team about {}. How would you explain {c} to people who have never used {itm}?",
                        t.name
                    ),
                }
            };
            doc.push(s);
        }
        Plan::Write { task, constraint } => {
            let (task_s, _) = t.tasks[*task];
            let task_s = v.fill(task_s);
            let s = if followup {
                match rng.below(5) {
                    0 => format!("Now can you {task_s}?"),
                    1 => format!("Next I need to {task_s}. Same style please."),
                    2 => format!("How would I {task_s}?"),
                    3 => format!("Could you also show how to {task_s}?"),
                    _ => format!("What changes if I also need to {task_s}?"),
                }
            } else if topic.did == "configure_deployment" {
                match rng.below(3) {
                    0 => format!("How do I {task_s}? We're using {} for {}.", t.name, v.svc),
                    1 => format!("I need to {task_s}. What would a good setup look like for {}?", v.svc),
                    _ => format!("Can you show me how to {task_s}?"),
                }
            } else {
                let pick = if is_programming(t.lang) { rng.below(6) } else { 2 + rng.below(4) };
                // tasks that already say what to write ("write a handler ...") read badly after "write a function that"
                let makes = matches!(
                    task_s.split(' ').next(),
                    Some("write" | "build" | "add" | "define" | "set" | "expose" | "create")
                );
                match pick {
                    0 if makes => format!("{} in {lang}.", cap(&task_s)),
                    1 if makes => format!("Can you help me {task_s} in {lang}?"),
                    0 => format!("Write a {lang} function that {}.", third_person(&task_s)),
                    1 => format!("Can you write a {lang} script to {task_s}?"),
                    2 => format!("I need some {} code that will {task_s}.", t.name),
                    3 => format!("How do I {task_s} in {}?", t.name),
                    4 => format!("Show me how to {task_s} using {}.", t.name),
                    _ => format!("What's the cleanest way to {task_s}? I'm using {}.", t.name),
                }
            };
            let c = CONSTRAINTS[*constraint];
            doc.push(if c.is_empty() || followup { s } else { format!("{s} {c}") });
        }
        Plan::Debug { err, paste } => {
            let e = &t.errors[*err];
            let msg = v.fill(e.msg);
            let when = v.fill(e.when);
            let s = if followup {
                match rng.below(4) {
                    0 => format!("That helped, but now I get `{msg}` when I {when}."),
                    1 => format!("Still broken. Now it fails with:\n\n{msg}\n\nAny idea?"),
                    2 => format!("Applied the fix, new error when I {when}: {msg}"),
                    _ => format!("Getting closer! Now it says `{msg}`."),
                }
            } else if rng.chance(0.03) {
                format!(
                    "Estou recebendo este erro no meu projeto {} e não sei o que fazer: `{msg}`. Alguém pode ajudar?",
                    t.name
                )
            } else {
                match rng.below(6) {
                    0 => format!("I'm getting `{msg}` when I {when}. How do I fix this?"),
                    1 => format!(
                        "{} keeps failing with:\n\n{msg}\n\nThis started after {}. Any idea what's wrong?",
                        t.name,
                        rng.pick(CHANGES)
                    ),
                    2 => format!("Why do I get \"{msg}\" when I {when}?"),
                    3 => format!("Help! {msg}\nThis happens every time I {when}."),
                    4 => format!("getting {msg} when i {when}, what am i doing wrong"),
                    _ => format!(
                        "Our {} build broke after {}. The error is `{msg}`. It happens when I {when}.",
                        t.name,
                        rng.pick(CHANGES)
                    ),
                }
            };
            doc.push(s);
            if *paste && !e.code.is_empty() && !followup {
                let (code, l) = snippet_text(topic, e.code);
                doc.push("Here's the relevant code:".to_string());
                doc.code(rng, &code, Some(l));
            }
        }
        Plan::Optimize { slow } => {
            let sl = &t.slow[*slow];
            let what = v.fill(sl.what);
            let s = if followup {
                match rng.below(3) {
                    0 => format!("It works, but it's slow: my {what}. Any ideas?"),
                    1 => format!("Follow-up on performance: my {what}."),
                    _ => format!("Works now, but my {what}. What should I change?"),
                }
            } else {
                match rng.below(4) {
                    0 => format!("My {what}. How can I speed it up?"),
                    1 => format!("Our {what}. What should I look at first?"),
                    2 => format!("Performance question ({}): my {what}. Is there a better approach?", t.name),
                    _ => format!("my {what} - how do I make this faster?"),
                }
            };
            doc.push(s);
        }
        Plan::Refactor { pair } => {
            let p = &REFACTORS[*pair];
            doc.push(match rng.below(3) {
                0 => format!("Refactor this {} code to be more readable:", p.lang.name()),
                1 => format!("How would you clean this up? It works but it's ugly ({}).", p.lang.name()),
                _ => "Can you refactor this function? My reviewer says it's hard to follow.".to_string(),
            });
            doc.code(rng, &v.fill(p.before), Some(p.lang));
        }
        Plan::Review { task } | Plan::Tests { task } => {
            let (task_s, id) = t.tasks[*task];
            let (code, l) = snippet_text(topic, id);
            let task_s = v.fill(task_s);
            if matches!(topic.plan, Plan::Review { .. }) {
                doc.push(match rng.below(3) {
                    0 => format!("Can you review this {lang} code before I merge it? It's supposed to {task_s}."),
                    1 => "Code review please. Anything you'd change?".to_string(),
                    _ => format!("I wrote this to {task_s}. Is it idiomatic {lang}?"),
                });
                doc.code(rng, &code, Some(l));
            } else if followup {
                doc.push(match rng.below(4) {
                    0 => "Can you also write tests for this?".to_string(),
                    1 => v.fill("Could you add unit tests for `«fn»`?"),
                    2 => v.fill("How would I test this? Some tests for the «noun» edge cases would be great."),
                    _ => v.fill("Can you write tests that cover empty and invalid «nouns»?"),
                });
            } else {
                doc.push(format!("Write unit tests for code that will {task_s}. Cover the edge cases too."));
                if rng.chance(0.5) {
                    doc.code(rng, &code, Some(l));
                }
            }
        }
        Plan::Security { vuln } => {
            let p = &VULNS[*vuln];
            doc.push(match rng.below(3) {
                0 => "Is this code safe? Our security scanner flagged it but I don't see the problem.".to_string(),
                1 => "Can you check this snippet for security issues before we ship it?".to_string(),
                _ => format!("Security review please, this is from our {} service:", v.svc),
            });
            doc.code(rng, &v.fill(p.before), Some(p.lang));
        }
        Plan::Translate { idx } => {
            let (from, to, _) = TRANSLATIONS[*idx];
            let f = code::by_id(from);
            let tl = code::by_id(to).lang;
            doc.push(format!(
                "Can you convert this {} code to {}? Keep the behaviour identical.",
                f.lang.name(),
                tl.name()
            ));
            doc.code(rng, &v.fill(f.code), Some(f.lang));
        }
        Plan::Analyze { ds, table, values } => {
            let d = &DATASETS[*ds];
            if *table {
                doc.push(format!(
                    "Here's our {} ({}, {} this month, {} last month). Can you tell me {}?",
                    d.name, d.dim, d.metric, d.metric, d.question
                ));
                let mut csv = format!("{},this_month,last_month", d.dim);
                for (i, (cur, prev)) in values.iter().enumerate() {
                    csv.push_str(&format!("\n{},{},{}", d.dims[i], cur, prev));
                }
                let prev_style = doc.style;
                if doc.style == CodeStyle::FencedLang {
                    doc.style = CodeStyle::FencedBare;
                }
                doc.code(rng, &csv, None);
                doc.style = prev_style;
            } else {
                doc.push(match rng.below(3) {
                    0 => format!("Analyze last quarter's {} and tell me {}.", d.name, d.question),
                    1 => format!(
                        "I have a {} in a table with columns {}, period and {}. How should I figure out {}?",
                        d.name,
                        d.dim,
                        d.metric.split(' ').next().unwrap(),
                        d.question
                    ),
                    _ => format!("My manager wants to know {} from our {}. Where do I start?", d.question, d.name),
                });
            }
        }
        Plan::Design { system, rps } => {
            let name = v.fill(SYSTEMS[*system].name);
            doc.push(match rng.below(3) {
                0 => format!(
                    "How would you design {name} that handles about {} requests per second?",
                    thousands(*rps as u64)
                ),
                1 => format!(
                    "System design question: {name}. Expected load is around {} req/s. What components would you use?",
                    thousands(*rps as u64)
                ),
                _ => format!(
                    "We need to build {name} at work. Peak traffic is maybe {} rps. Can you sketch an architecture?",
                    thousands(*rps as u64)
                ),
            });
        }
        Plan::Summarize { incident } => {
            let (cause, fix, follow) = INCIDENT_CAUSES[incident.cause];
            let cause = v.fill(cause);
            let report = format!(
                "Incident report — {svc}\n\nAt {h:02}:{m:02} UTC alerts fired for elevated 5xx rates on {svc}. The on-call engineer was paged at {h:02}:{m2:02} and confirmed that roughly {pct}% of requests were failing. Investigation showed the root cause was {cause}. The team {fix}. Error rates returned to normal {min} minutes after the first alert. Customer impact: about {pct}% of requests failed or timed out during the window; no data was lost. Action items: {follow}; write a runbook entry for this failure mode.",
                svc = v.svc,
                h = incident.start_h,
                m = incident.start_m,
                m2 = (incident.start_m + 4) % 60,
                pct = incident.pct,
                min = incident.minutes,
            );
            doc.push(match rng.below(3) {
                0 => "Summarize this incident report in three sentences for the weekly status email:".to_string(),
                1 => "Can you write a short summary of this postmortem for non-technical stakeholders?".to_string(),
                _ => "TL;DR this please:".to_string(),
            });
            doc.push(report);
        }
    }
    let mut text = doc.finish(rng, false);
    if followup {
        const FOLLOW_PREFIX: &[&str] = &[
            "Thanks!",
            "Thanks, that worked.",
            "Nice.",
            "Perfect.",
            "Great, that works.",
            "ok.",
            "Got it.",
            "Hmm.",
            "That makes sense.",
            "Cool.",
        ];
        if rng.chance(0.7) {
            text.s = format!("{} {}", FOLLOW_PREFIX[rng.below(FOLLOW_PREFIX.len())], text.s);
        }
        if rng.chance(0.3) {
            text.s = format!(
                "{} {}",
                text.s,
                topic.fill(*rng.pick(&[
                    "This is for the «nouns» part of «svc».",
                    "We run it on «os».",
                    "The data is around «big» rows.",
                    "Same project as before."
                ]))
            );
        }
    }
    let framable = !followup
        && !matches!(topic.plan, Plan::Summarize { .. } | Plan::Analyze { table: true, .. } | Plan::Security { .. });
    let mut pre_os = false;
    if framable && rng.chance(0.45) {
        let pt = PREAMBLES[rng.below(PREAMBLES.len())];
        pre_os = pt.contains("«os»");
        let p = topic.fill(pt);
        text.s = format!("{p} {}", text.s);
    }
    if framable && rng.chance(0.3) {
        // data-flavoured suffixes only where the question is about code or data
        let dataish = matches!(
            topic.plan,
            Plan::Write { .. } | Plan::Debug { .. } | Plan::Optimize { .. } | Plan::Analyze { .. }
        );
        let pool_len = if dataish { SUFFIXES.len() } else { SUFFIXES.len() - 2 };
        let mut st = SUFFIXES[rng.below(pool_len)];
        if pre_os && st.contains("«os»") {
            st = SUFFIXES[0];
        }
        let sfx = topic.fill(st);
        let sep = if text.s.contains('\n') { "\n\n" } else { " " };
        text.s = format!("{}{sep}{sfx}", text.s);
    }
    if rng.chance(0.015) {
        text.s = text.s.replace('\n', "\r\n");
        text.fmt.crlf = true;
    }
    text.words = count_words(&text.s);
    text
}

// --------------------------------------------------------------- response

/// Builds the response text.
/// `short`: a brief (partial) answer of 20–60 words, e.g. for failed spans.
pub fn response(rng: &mut Rng, topic: &Topic, short: bool) -> Text {
    let style = code_style(rng);
    let minify = rng.chance(0.35);
    let mut doc = Doc::new(style, minify);
    let target = if short { rng.range(20, 60) } else { target_words(rng) };
    let t = topic.tech;
    let v = &topic.vars;
    let c = topic;
    let mut used_generic: Vec<usize> = Vec::new();
    let mut used_tips: Vec<usize> = Vec::new();
    let mut used_concepts: Vec<usize> = Vec::new();
    let mut used_snips: Vec<&'static str> = Vec::new();
    // perf list, test notes, checklist: at most once per response
    let mut once = [false; 3];
    let prog = is_programming(t.lang);
    match &topic.plan {
        Plan::Explain { concept, other, style } => {
            let (name, def) = t.concepts[*concept];
            used_concepts.push(*concept);
            if let Some(o) = other {
                used_concepts.push(*o);
                let (n2, d2) = t.concepts[*o];
                doc.push(format!("{} {def}. {}, on the other hand, {d2}.", sentence_case(name), sentence_case(n2)));
                doc.push(format!("They come up together because most real {} code uses both: {} shapes how you structure the code, and {} shapes how it behaves at runtime.", t.name, name, n2));
            } else {
                doc.push(match style % 4 {
                    0 => format!("{} {def}.", sentence_case(name)),
                    1 => format!("In short, {name} {def}."),
                    2 => format!("Good question. {} {def}.", sentence_case(name)),
                    _ => format!("In {}, {name} {def}.", t.name),
                });
            }
            if target > 60 {
                if let Some(id) = concept_snippet(name) {
                    used_snips.push(id);
                    let (code_s, l) = snippet_text(c, id);
                    doc.push(
                        rng.pick(&[
                            "Here's a small example:",
                            "A typical example:",
                            "For example:",
                            "This is what it looks like in practice:",
                        ])
                        .to_string(),
                    );
                    doc.code(rng, &code_s, Some(l));
                } else {
                    let (n2, d2) = t.concepts[(*concept + 1) % t.concepts.len()];
                    if other.is_none() && n2 != name {
                        used_concepts.push((*concept + 1) % t.concepts.len());
                        doc.push(format!(
                            "{} {n2} {d2}.",
                            rng.pick(&["A closely related idea:", "Related:", "It helps to also know that"])
                        ));
                    }
                }
            }
            let ti = rng.below(t.tips.len());
            used_tips.push(ti);
            doc.push(t.tips[ti].to_string());
        }
        Plan::Write { task, .. } => {
            let (_, id) = t.tasks[*task];
            used_snips.push(id);
            let (code_s, l) = snippet_text(c, id);
            let intro: &[&str] = if prog {
                &[
                    "Here's a «lang» implementation:",
                    "Sure, here is one way to do it:",
                    "This version keeps things simple:",
                    "You can do it in a few lines:",
                    "Here's what I'd use:",
                    "Something like this should work:",
                ]
            } else {
                &[
                    "Here's a configuration that does it:",
                    "Sure, here is a setup that works:",
                    "A minimal version looks like this:",
                    "Something like this should work:",
                    "This is what I'd start from:",
                ]
            };
            doc.push(c.fill(intro[rng.below(intro.len())]));
            doc.code(rng, &code_s, Some(l));
            if target > 80 {
                let n = rng.range(2, 3);
                let pool = if prog { CODE_NOTES } else { CONFIG_NOTES };
                let notes: Vec<String> =
                    pick_distinct(rng, pool.len(), n).into_iter().map(|i| c.fill(pool[i])).collect();
                doc.push("A few notes:".to_string());
                doc.list(&notes, false, *rng.pick(&["-", "*", "•"]));
            }
        }
        Plan::Debug { err, .. } => {
            let e = &t.errors[*err];
            let msg = v.fill(e.msg);
            // the message up to its first colon, unless that leaves only "Error"
            let short = match msg.char_indices().find(|&(i, ch)| ch == ':' && i >= 12) {
                Some((i, _)) => msg[..i].to_string(),
                None if msg.len() <= 90 => msg.trim_end_matches('.').to_string(),
                None => msg.split(':').next().unwrap_or(&msg).to_string(),
            };
            doc.push(match rng.below(4) {
                0 => format!("This error means {}.", v.fill(e.cause)),
                1 => format!("`{short}` here means {}.", v.fill(e.cause)),
                2 => format!("You're seeing this because {}.", v.fill(e.cause)),
                _ => format!("This is a common one with {}: {}.", t.name, v.fill(e.cause)),
            });
            doc.push(format!("{}{}", rng.pick(&["**Fix:** ", "To fix it: ", "", "The fix: "]), v.fill(e.fix)));
            if !e.code.is_empty() && target > 70 {
                used_snips.push(e.code);
                let (code_s, l) = snippet_text(c, e.code);
                doc.push(
                    rng.pick(&["For example:", "Something like this:", "Here's a corrected version:"]).to_string(),
                );
                doc.code(rng, &code_s, Some(l));
            }
            if target > 150 {
                once[2] = true;
                doc.push(
                    rng.pick(&[
                        "If that doesn't solve it:",
                        "If it still fails, work through these:",
                        "General debugging checklist:",
                    ])
                    .to_string(),
                );
                let steps: Vec<String> =
                    pick_distinct_n(rng, STEPS.len(), 3, 5).into_iter().map(|i| c.fill(STEPS[i])).collect();
                doc.list(&steps, true, "");
            }
        }
        Plan::Optimize { slow } => {
            let sl = &t.slow[*slow];
            doc.push(v.fill(sl.advice));
            if !sl.code.is_empty() && target > 60 {
                used_snips.push(sl.code);
                let (code_s, l) = snippet_text(c, sl.code);
                doc.push(rng.pick(&["For example:", "Concretely:", "Here's the idea in code:"]).to_string());
                doc.code(rng, &code_s, Some(l));
            }
            if target > 120 {
                once[0] = true;
                doc.push("More generally:".to_string());
                let tips: Vec<String> =
                    pick_distinct_n(rng, PERF.len(), 3, 5).into_iter().map(|i| c.fill(PERF[i])).collect();
                doc.list(&tips, false, "-");
            }
        }
        Plan::Refactor { pair } => {
            let p: &Pair = &REFACTORS[*pair];
            doc.push(
                rng.pick(&["Here's a cleaner version:", "I'd restructure it like this:", "Refactored:"]).to_string(),
            );
            doc.code(rng, &v.fill(p.after), Some(p.after_lang));
            doc.push(p.explain.to_string());
            doc.push("The behaviour is unchanged, so the existing tests should still pass; run them before and after to be sure.".to_string());
        }
        Plan::Review { .. } => {
            doc.push(
                rng.pick(&[
                    "Overall this looks reasonable. A few things I'd change:",
                    "Looks good, a few suggestions:",
                    "Nice and readable. Some comments:",
                ])
                .to_string(),
            );
            let items: Vec<String> =
                pick_distinct_n(rng, REVIEW.len(), 3, 5).into_iter().map(|i| c.fill(REVIEW[i])).collect();
            doc.list(&items, true, "");
        }
        Plan::Tests { task } => {
            let task_id = t.tasks[*task].1;
            let id = TEST_PAIRS.iter().find(|(a, _)| *a == task_id).map_or("py_pytest", |(_, b)| *b);
            once[1] = true;
            let (code_s, l) = snippet_text(c, id);
            doc.push(
                rng.pick(&[
                    "Here are tests for the main cases and the edge cases:",
                    "Sure, here's a test file:",
                    "These cover the happy path and the tricky inputs:",
                ])
                .to_string(),
            );
            doc.code(rng, &code_s, Some(l));
            let notes: Vec<String> =
                pick_distinct(rng, TEST_NOTES.len(), 2).into_iter().map(|i| TEST_NOTES[i].to_string()).collect();
            doc.list(&notes, false, "-");
        }
        Plan::Security { vuln } => {
            let p: &Pair = &VULNS[*vuln];
            doc.push(format!("Yes, there's a problem. {}", p.explain));
            doc.push(rng.pick(&["Fixed version:", "Here's a safe version:", "Do this instead:"]).to_string());
            doc.code(rng, &v.fill(p.after), Some(p.after_lang));
            let ti = rng.below(t.tips.len());
            used_tips.push(ti);
            doc.push(t.tips[ti].to_string());
        }
        Plan::Translate { idx } => {
            let (_, to, note) = TRANSLATIONS[*idx];
            used_snips.push(to);
            let (code_s, l) = snippet_text(c, to);
            doc.push(format!("Here's the {} version:", l.name()));
            doc.code(rng, &code_s, Some(l));
            doc.push(note.to_string());
        }
        Plan::Analyze { ds, table, values } => {
            analyze_response(rng, &mut doc, c, &DATASETS[*ds], *table, values);
        }
        Plan::Design { system, rps } => {
            let s = &SYSTEMS[*system];
            doc.push(format!(
                "At {} requests per second this is very doable; the main thing is to keep the hot path simple. Here's how I'd approach {}:",
                thousands(*rps as u64),
                v.fill(s.name)
            ));
            let n = if target > 200 { s.points.len() } else { 3 };
            let items: Vec<String> = s.points.iter().take(n).map(|p| v.fill(p)).collect();
            doc.list(&items, false, "-");
            if *rps >= 20_000 {
                doc.push("At this scale, make every component horizontally scalable and stateless where possible, and load-test each one before launch.".to_string());
            } else {
                doc.push("At this scale a single well-indexed database and a couple of stateless app instances behind a load balancer will go a long way; don't add components before you need them.".to_string());
            }
        }
        Plan::Summarize { incident } => {
            let (cause, fix, follow) = INCIDENT_CAUSES[incident.cause];
            doc.push(format!(
                "{} had a partial outage of about {} minutes: roughly {}% of requests failed because of {}. The team {}, and service was fully restored with no data loss. Next steps: {}.",
                cap(v.svc),
                incident.minutes,
                incident.pct,
                v.fill(cause),
                fix,
                v.fill(follow)
            ));
            return doc.finish(rng, true);
        }
    }

    // Grow towards the target length with blocks of fresh material; long
    // answers get section headers. Nothing is repeated within a response.
    #[derive(Clone, Copy, PartialEq)]
    enum Block {
        Tips,
        Generic,
        Example,
        Background,
        Pitfalls,
        Perf,
        Testing,
        Checklist,
    }
    let long = target > 350;
    let header_style = rng.below(3);
    let mut blocks = vec![
        Block::Tips,
        Block::Generic,
        Block::Example,
        Block::Background,
        Block::Pitfalls,
        Block::Generic,
        Block::Example,
    ];
    if long {
        blocks.extend([Block::Perf, Block::Testing, Block::Checklist, Block::Example, Block::Generic]);
    }
    // shuffle
    for i in (1..blocks.len()).rev() {
        let j = rng.below(i + 1);
        blocks.swap(i, j);
    }

    let mut exhausted = 0;
    let mut bi = 0;
    let examples = example_candidates(t);
    while doc.words < target && exhausted < blocks.len() {
        let b = blocks[bi % blocks.len()];
        bi += 1;
        let header = |doc: &mut Doc, rng: &mut Rng, names: &[&str]| {
            if long && doc.words > 80 && rng.chance(0.8) {
                let h = names[rng.below(names.len())];
                doc.push(match header_style {
                    0 => format!("## {h}"),
                    1 => format!("**{h}**"),
                    _ => format!("### {h}"),
                });
            }
        };
        let before = doc.parts.len();
        match b {
            Block::Tips => {
                let free: Vec<usize> = (0..t.tips.len()).filter(|i| !used_tips.contains(i)).collect();
                if !free.is_empty() {
                    let i = free[rng.below(free.len())];
                    used_tips.push(i);
                    doc.push(t.tips[i].to_string());
                }
            }
            Block::Generic | Block::Pitfalls => {
                let n = rng.range(2, 3);
                let picked: Vec<String> = (0..n)
                    .filter_map(|_| fresh_opt(rng, GENERIC.len(), &mut used_generic))
                    .map(|i| c.fill(GENERIC[i]))
                    .collect();
                if !picked.is_empty() {
                    if b == Block::Pitfalls {
                        header(&mut doc, rng, &["Things to watch out for", "Common pitfalls", "Caveats"]);
                        doc.list(&picked, false, "-");
                    } else {
                        header(&mut doc, rng, &["Notes", "In practice", "Rolling it out"]);
                        doc.push(picked.join(" "));
                    }
                }
            }
            Block::Example => {
                if let Some(&(ti, ki)) = examples.iter().find(|(ti, ki)| !used_snips.contains(&TECHS[*ti].tasks[*ki].1))
                {
                    let et = &TECHS[ti];
                    let (task_s, id) = et.tasks[ki];
                    used_snips.push(id);
                    let (code_s, l) = snippet_text(c, id);
                    header(&mut doc, rng, &["Another example", "A related pattern", "Going further"]);
                    doc.push(format!(
                        "{} {}:",
                        rng.pick(&[
                            "A related pattern, if you also need to",
                            "The same ideas apply when you",
                            "For completeness, here is how you would",
                            "And if you need to"
                        ]),
                        v.fill(task_s)
                    ));
                    doc.code(rng, &code_s, Some(l));
                }
            }
            Block::Background => {
                let free: Vec<usize> = (0..t.concepts.len()).filter(|i| !used_concepts.contains(i)).collect();
                if !free.is_empty() {
                    let i = free[rng.below(free.len())];
                    used_concepts.push(i);
                    let (name, def) = t.concepts[i];
                    header(&mut doc, rng, &["Background", "How it works", "Some context"]);
                    doc.push(format!(
                        "{} {name} {def}.",
                        rng.pick(&["As background:", "Related:", "Worth knowing:", "For context,"])
                    ));
                }
            }
            Block::Perf | Block::Testing | Block::Checklist => {
                let k = match b {
                    Block::Perf => 0,
                    Block::Testing => 1,
                    _ => 2,
                };
                if !once[k] {
                    once[k] = true;
                    let (names, pool, numbered): (&[&str], &[&str], bool) = match b {
                        Block::Perf => (&["Performance notes", "Making it fast"], PERF, false),
                        Block::Testing => (&["Testing it", "Tests"], TEST_NOTES, false),
                        _ => (&["Debugging checklist", "If something goes wrong"], STEPS, true),
                    };
                    header(&mut doc, rng, names);
                    let items: Vec<String> =
                        pick_distinct_n(rng, pool.len(), 3, 5).into_iter().map(|i| c.fill(pool[i])).collect();
                    doc.list(&items, numbered, "-");
                }
            }
        }
        if doc.parts.len() == before {
            exhausted += 1;
        } else {
            exhausted = 0;
        }
    }
    if rng.chance(0.3) {
        doc.push(rng.pick(CLOSINGS).to_string());
    }
    doc.finish(rng, true)
}

/// Worked examples for a tech: its own tasks first, then those of techs in the same language.
fn example_candidates(t: &Tech) -> Vec<(usize, usize)> {
    let me = tech_index(t);
    let mut v: Vec<(usize, usize)> = (0..t.tasks.len()).map(|k| (me, k)).collect();
    for (ti, other) in TECHS.iter().enumerate() {
        if ti != me && other.lang == t.lang {
            v.extend((0..other.tasks.len()).map(|k| (ti, k)));
        }
    }
    v
}

fn analyze_response(rng: &mut Rng, doc: &mut Doc, c: &Topic, d: &Dataset, table: bool, values: &[(u64, u64)]) {
    let fmt = |x: u64| {
        if d.money { format!("${}", thousands(x)) } else { thousands(x) }
    };
    if !table {
        doc.push(format!(
            "Start by putting the {} in one table with one row per {} and period, then compare the periods side by side. Something like:",
            d.metric, d.dim
        ));
        if rng.chance(0.5) {
            let code_s = format!(
                "import pandas as pd\n\ndf = pd.read_csv(\"{file}.csv\")\npivot = df.pivot_table(index=\"{dim}\", columns=\"period\", values=\"{m}\", aggfunc=\"sum\")\npivot[\"change_pct\"] = (pivot.iloc[:, -1] / pivot.iloc[:, -2] - 1) * 100\nprint(pivot.sort_values(\"change_pct\"))",
                file = d.name.replace(' ', "_").replace('/', ""),
                dim = d.dim,
                m = d.metric.split(' ').next().unwrap()
            );
            doc.code(rng, &code_s, Some(Lang::Python));
        } else {
            let code_s = format!(
                "SELECT {dim},\n       SUM({m}) FILTER (WHERE period = 'current')  AS current,\n       SUM({m}) FILTER (WHERE period = 'previous') AS previous,\n       ROUND(100.0 * (SUM({m}) FILTER (WHERE period = 'current')\n             / NULLIF(SUM({m}) FILTER (WHERE period = 'previous'), 0) - 1), 1) AS change_pct\nFROM {t}\nGROUP BY {dim}\nORDER BY change_pct;",
                dim = d.dim,
                m = d.metric.split(' ').next().unwrap(),
                t = d.name.replace(' ', "_").replace('/', "")
            );
            doc.code(rng, &code_s, Some(Lang::Sql));
        }
        doc.push(format!(
            "Then look at three things: the share of the total each {} has, the absolute change (big segments dominate it), and the relative change (small segments move a lot in percent without mattering much).",
            d.dim
        ));
        return;
    }
    let total_cur: u64 = values.iter().map(|v| v.0).sum();
    let total_prev: u64 = values.iter().map(|v| v.1).sum();
    let change = |cur: u64, prev: u64| (cur as f64 / prev as f64 - 1.0) * 100.0;
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[b].0.cmp(&values[a].0).then(a.cmp(&b)));
    let top = idx[0];
    let mut by_change = idx.clone();
    by_change.sort_by(|&a, &b| {
        change(values[b].0, values[b].1).total_cmp(&change(values[a].0, values[a].1)).then(a.cmp(&b))
    });
    let best = by_change[0];
    let worst = *by_change.last().unwrap();
    doc.push(rng.pick(&["Here's what stands out:", "Looking at the numbers:", "Key findings:"]).to_string());
    let mut items = vec![
        format!(
            "Total {} went from {} to {} ({:+.1}%).",
            d.metric,
            fmt(total_prev),
            fmt(total_cur),
            change(total_cur, total_prev)
        ),
        format!(
            "{} is the largest {} with {} ({:.1}% of the total).",
            cap(d.dims[top]),
            d.dim,
            fmt(values[top].0),
            values[top].0 as f64 * 100.0 / total_cur as f64
        ),
        format!(
            "{} grew the most: {:+.1}% ({} → {}).",
            cap(d.dims[best]),
            change(values[best].0, values[best].1),
            fmt(values[best].1),
            fmt(values[best].0)
        ),
    ];
    if change(values[worst].0, values[worst].1) < 0.0 {
        items.push(format!(
            "{} declined {:.1}% and deserves a closer look.",
            cap(d.dims[worst]),
            -change(values[worst].0, values[worst].1)
        ));
    } else {
        items.push(format!(
            "Every {} grew; {} grew the least ({:+.1}%).",
            d.dim,
            d.dims[worst],
            change(values[worst].0, values[worst].1)
        ));
    }
    doc.list(&items, false, "-");
    doc.push(format!(
        "One month is a short window, so before drawing conclusions check whether {} has a seasonal pattern and whether anything changed in how it's measured.",
        d.metric
    ));
    if rng.chance(0.5) {
        let code_s = "df[\"change_pct\"] = (df[\"this_month\"] / df[\"last_month\"] - 1) * 100\ndf[\"share\"] = df[\"this_month\"] / df[\"this_month\"].sum() * 100\nprint(df.sort_values(\"change_pct\", ascending=False).round(1))".to_string();
        doc.push("To reproduce this with pandas:".to_string());
        doc.code(rng, &code_s, Some(Lang::Python));
    }
    let _ = c;
}

/// `n` distinct indices below `len`.
fn pick_distinct(rng: &mut Rng, len: usize, n: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n.min(len) {
        let i = rng.below(len);
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// Between `lo` and `hi` distinct indices below `len`.
fn pick_distinct_n(rng: &mut Rng, len: usize, lo: usize, hi: usize) -> Vec<usize> {
    let n = rng.range(lo, hi);
    pick_distinct(rng, len, n)
}

/// An index not used yet, or `None` once all are used.
fn fresh_opt(rng: &mut Rng, len: usize, used: &mut Vec<usize>) -> Option<usize> {
    if used.len() >= len {
        return None;
    }
    loop {
        let i = rng.below(len);
        if !used.contains(&i) {
            used.push(i);
            return Some(i);
        }
    }
}

/// A secret block framed for a query ("here's my .env").
pub fn frame_secret_in_query(rng: &mut Rng, q: &mut Text, p: Planted) {
    let style = code_style(rng);
    let mut doc = Doc::new(if style == CodeStyle::Raw { CodeStyle::FencedBare } else { style }, false);
    let intro = match rng.below(4) {
        0 => format!("Here's my {}:", p.what),
        1 => format!("This is the {} I'm using:", p.what),
        2 => format!("My {} looks like this (redacted nothing, it's just staging):", p.what),
        _ => format!("Relevant {}:", p.what),
    };
    doc.push(intro);
    doc.planted(rng, p);
    let t = doc.finish(rng, false);
    let sep = if q.s.contains("\r\n") { "\r\n\r\n" } else { "\n\n" };
    let body = if sep == "\r\n\r\n" { t.s.replace('\n', "\r\n") } else { t.s };
    q.s = format!("{}{sep}{body}", q.s);
    q.words += t.words;
    q.secrets.extend(t.secrets);
    q.decoys.extend(t.decoys);
    merge_fmt(&mut q.fmt, &t.fmt);
}

/// A secret (or decoy) block inside a response ("for example, ...").
pub fn frame_block_in_response(rng: &mut Rng, r: &mut Text, p: Planted) {
    let style = code_style(rng);
    let mut doc = Doc::new(style, false);
    doc.push(match rng.below(4) {
        0 => format!("For reference, a complete {} looks like this:", p.what),
        1 => format!("Here is the {} from the setup I tested with:", p.what),
        2 => format!("Your {} should end up similar to this:", p.what),
        _ => format!("Example {}:", p.what),
    });
    doc.planted(rng, p);
    let t = doc.finish(rng, false);
    let crlf = r.s.contains("\r\n");
    let body = if crlf { t.s.replace('\n', "\r\n") } else { t.s };
    // insert before the last paragraph when that is prose (never between an
    // intro line ending in ':' and its code block), else append
    let sep = if crlf { "\r\n\r\n" } else { "\n\n" };
    let split_ok = |pos: usize| {
        let (a, b) = (r.s[..pos].trim_end(), &r.s[pos + sep.len()..]);
        !a.ends_with(':')
            && !a.ends_with("```")
            && !b.starts_with("```")
            && !b.starts_with("    ")
            && !b.starts_with('-')
            && !b.starts_with('#')
    };
    match r.s.rfind(sep) {
        Some(pos) if split_ok(pos) && rng.chance(0.5) => {
            let (a, b) = r.s.split_at(pos);
            r.s = format!("{a}{sep}{body}{b}");
        }
        _ => r.s = format!("{}{sep}{body}", r.s),
    }
    r.words += t.words;
    r.secrets.extend(t.secrets);
    r.decoys.extend(t.decoys);
    merge_fmt(&mut r.fmt, &t.fmt);
}

fn merge_fmt(a: &mut FmtFlags, b: &FmtFlags) {
    a.fenced_lang += b.fenced_lang;
    a.fenced_bare += b.fenced_bare;
    a.indented += b.indented;
    a.raw_code += b.raw_code;
    a.minified_json |= b.minified_json;
}

pub fn inline_decoy(rng: &mut Rng, q: &mut Text, v: &Vars) {
    let (s, kind) = secrets::inline_decoy(rng, v);
    let sep = if q.s.contains("\r\n") {
        "\r\n\r\n"
    } else if q.s.contains('\n') {
        "\n\n"
    } else {
        " "
    };
    q.s = format!("{}{sep}{s}", q.s);
    q.words += count_words(&s);
    q.decoys.push(kind);
}

pub fn tech_by_index(i: usize) -> &'static Tech {
    &TECHS[i]
}

pub fn index_of(t: &Tech) -> usize {
    tech_index(t)
}
