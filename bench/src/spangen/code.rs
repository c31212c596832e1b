//! Code snippet templates. Slots are `«name»` (see `vocab::Vars::get`).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Python,
    Rust,
    JavaScript,
    TypeScript,
    Sql,
    Bash,
    Json,
    Yaml,
    Go,
    Dockerfile,
    Hcl,
    Kotlin,
    Swift,
    Env,
}

impl Lang {
    /// Display name used in prose.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "Python",
            Lang::Rust => "Rust",
            Lang::JavaScript => "JavaScript",
            Lang::TypeScript => "TypeScript",
            Lang::Sql => "SQL",
            Lang::Bash => "Bash",
            Lang::Json => "JSON",
            Lang::Yaml => "YAML",
            Lang::Go => "Go",
            Lang::Dockerfile => "Dockerfile",
            Lang::Hcl => "Terraform",
            Lang::Kotlin => "Kotlin",
            Lang::Swift => "Swift",
            Lang::Env => ".env",
        }
    }

    /// Fence labels seen in the wild for this language (first is canonical).
    pub fn labels(self) -> &'static [&'static str] {
        match self {
            Lang::Python => &["python", "python", "py"],
            Lang::Rust => &["rust", "rust", "rs"],
            Lang::JavaScript => &["javascript", "js", "js"],
            Lang::TypeScript => &["typescript", "ts", "tsx"],
            Lang::Sql => &["sql", "sql", "postgresql"],
            Lang::Bash => &["bash", "sh", "shell", "console"],
            Lang::Json => &["json", "json", "jsonc"],
            Lang::Yaml => &["yaml", "yml"],
            Lang::Go => &["go", "golang"],
            Lang::Dockerfile => &["dockerfile", "Dockerfile", "docker"],
            Lang::Hcl => &["hcl", "terraform", "tf"],
            Lang::Kotlin => &["kotlin", "kt"],
            Lang::Swift => &["swift"],
            Lang::Env => &["env", "dotenv", "ini", "bash"],
        }
    }
}

pub struct Snippet {
    pub id: &'static str,
    pub lang: Lang,
    pub code: &'static str,
}

macro_rules! snip {
    ($id:literal, $lang:ident, $code:literal) => {
        Snippet { id: $id, lang: Lang::$lang, code: $code }
    };
}

pub fn by_id(id: &str) -> &'static Snippet {
    SNIPPETS.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("unknown snippet {id}"))
}

pub static SNIPPETS: &[Snippet] = &[
    // ---------------------------------------------------------------- Python
    snip!(
        "py_retry",
        Python,
        r#"import time
import requests


def «fn»(url: str, retries: int = «retries», backoff: float = 0.5) -> dict:
    """Fetch JSON from `url`, retrying with exponential backoff."""
    for attempt in range(retries):
        try:
            resp = requests.get(url, timeout=10)
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException as exc:
            if attempt == retries - 1:
                raise
            wait = backoff * 2 ** attempt
            print(f"attempt {attempt + 1} failed ({exc}); retrying in {wait:.1f}s")
            time.sleep(wait)"#
    ),
    snip!(
        "py_pandas_group",
        Python,
        r#"import pandas as pd

df = pd.read_csv("«nouns».csv", parse_dates=["«date»"])

summary = (
    df.groupby("«cat»")["«num»"]
      .agg(["count", "mean", "sum"])
      .sort_values("sum", ascending=False)
)
print(summary.head(«batch»))"#
    ),
    snip!(
        "py_dedupe",
        Python,
        r#"def dedupe(items):
    """Remove duplicates while keeping the first occurrence of each item."""
    seen = set()
    result = []
    for item in items:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result


# or, for hashable items, in one line (dicts keep insertion order):
unique_«nouns» = list(dict.fromkeys(«nouns»))"#
    ),
    snip!(
        "py_chunks",
        Python,
        r#"def read_in_chunks(path, chunk_size=«chunk»):
    """Yield the file's contents in chunks of `chunk_size` bytes."""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(chunk_size)
            if not chunk:
                break
            yield chunk


total = 0
for chunk in read_in_chunks("«nouns».log"):
    total += chunk.count(b"\n")
print(f"{total} lines")"#
    ),
    snip!(
        "py_fastapi",
        Python,
        r#"from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI()


class «Noun»(BaseModel):
    id: int
    «fk»: int
    «num»: float
    «cat»: str


@app.get("/«nouns»/{«noun»_id}", response_model=«Noun»)
async def get_«noun»(«noun»_id: int):
    «noun» = await db.fetch_«noun»(«noun»_id)
    if «noun» is None:
        raise HTTPException(status_code=404, detail="«Noun» not found")
    return «noun»"#
    ),
    snip!(
        "py_validate",
        Python,
        r#"from dataclasses import dataclass, field


@dataclass
class ValidationResult:
    valid: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def validate_«nouns»(rows):
    result = ValidationResult()
    for i, row in enumerate(rows, start=1):
        problems = []
        if not row.get("«fk»"):
            problems.append("missing «fk»")
        if row.get("«num»") is not None and row["«num»"] < 0:
            problems.append("«num» must be >= 0")
        if row.get("«cat»") not in {"«cat1»", "«cat2»"}:
            problems.append(f"unexpected «cat» {row.get('«cat»')!r}")
        if problems:
            result.errors.append((i, problems))
        else:
            result.valid.append(row)
    return result"#
    ),
    snip!(
        "py_asyncio",
        Python,
        r#"import asyncio
import aiohttp


async def fetch(session, url):
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=15)) as resp:
        resp.raise_for_status()
        return await resp.json()


async def fetch_all(urls, limit=«batch»):
    sem = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession() as session:
        async def bounded(url):
            async with sem:
                return await fetch(session, url)
        return await asyncio.gather(*(bounded(u) for u in urls), return_exceptions=True)


results = asyncio.run(fetch_all(urls))"#
    ),
    snip!(
        "py_pytest",
        Python,
        r#"import pytest

from «svc_snake».«nouns» import dedupe, validate_«nouns»


def test_dedupe_keeps_first_occurrence():
    assert dedupe([3, 1, 3, 2, 1]) == [3, 1, 2]


def test_dedupe_empty():
    assert dedupe([]) == []


@pytest.mark.parametrize("«num», ok", [(10, True), (0, True), (-1, False)])
def test_«num»_must_not_be_negative(«num», ok):
    row = {"«fk»": 1, "«num»": «num», "«cat»": "«cat1»"}
    result = validate_«nouns»([row])
    assert (len(result.valid) == 1) is ok"#
    ),
    snip!(
        "py_sklearn",
        Python,
        r#"from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

X = df[["«num»", "«cat»", "«fk»"]]
y = df["churned"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)

pre = ColumnTransformer([
    ("num", StandardScaler(), ["«num»"]),
    ("cat", OneHotEncoder(handle_unknown="ignore"), ["«cat»"]),
])
model = Pipeline([("pre", pre), ("clf", RandomForestClassifier(n_estimators=«batch»0, n_jobs=-1))])
model.fit(X_train, y_train)
print(f"accuracy: {model.score(X_test, y_test):.3f}")"#
    ),
    snip!(
        "py_torch",
        Python,
        r#"import torch
from torch import nn

model = nn.Sequential(nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, «small»))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(«batch»):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_loss = sum(loss_fn(model(xb), yb).item() for xb, yb in val_loader) / len(val_loader)
    print(f"epoch {epoch}: val_loss={val_loss:.4f}")"#
    ),
    snip!(
        "py_cache",
        Python,
        r#"from functools import lru_cache


@lru_cache(maxsize=«chunk»)
def «noun»_score(«noun»_id: int) -> float:
    rows = db.query("SELECT «num» FROM «nouns» WHERE id = %s", («noun»_id,))
    return sum(r[0] for r in rows) / max(len(rows), 1)


# inspect hit rate after a while
print(«noun»_score.cache_info())"#
    ),
    snip!(
        "py_csv",
        Python,
        r#"import csv
from pathlib import Path


def «fn»(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return [
            {**row, "«num»": float(row["«num»"] or 0)}
            for row in reader
            if row.get("«cat»")
        ]"#
    ),
    snip!(
        "py_django_n1",
        Python,
        r#"# Before: one query for the «nouns», then one more per «noun»
for «noun» in «Noun».objects.filter(«cat»="«cat1»"):
    print(«noun».«fk».name)

# After: a single JOIN
for «noun» in «Noun».objects.filter(«cat»="«cat1»").select_related("«fk»"):
    print(«noun».«fk».name)"#
    ),
    snip!(
        "py_logging",
        Python,
        r#"import logging
import sys

logging.basicConfig(
    level=logging.INFO,
    format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    handlers=[logging.StreamHandler(sys.stdout)],
)
log = logging.getLogger("«svc»")

log.info("processing %d «nouns»", len(«nouns»))"#
    ),
    snip!(
        "py_sqlalchemy",
        Python,
        r#"from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

engine = create_engine(DATABASE_URL, pool_size=«small», pool_pre_ping=True)

with Session(engine) as session:
    stmt = select(«Noun»).where(«Noun».«cat» == "«cat1»").limit(«batch»)
    for «noun» in session.scalars(stmt):
        print(«noun».id, «noun».«num»)"#
    ),
    snip!(
        "py_wordcount",
        Python,
        r#"from collections import Counter


def word_counts(path):
    counts = Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            counts.update(line.lower().split())
    return counts.most_common(«batch»)"#
    ),
    snip!(
        "py_argon2",
        Python,
        r#"from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

ph = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=«small»)


def hash_password(plain: str) -> str:
    return ph.hash(plain)


def verify_password(stored: str, plain: str) -> bool:
    try:
        ok = ph.verify(stored, plain)
    except VerifyMismatchError:
        return False
    # upgrade old hashes transparently when parameters change
    if ok and ph.check_needs_rehash(stored):
        save_new_hash(ph.hash(plain))
    return ok"#
    ),
    snip!(
        "py_flask_session",
        Python,
        r#"from flask import Flask
from flask_wtf.csrf import CSRFProtect

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ["FLASK_SECRET_KEY"],
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_HTTPONLY=True,
    SESSION_COOKIE_SAMESITE="Lax",
    PERMANENT_SESSION_LIFETIME=timedelta(hours=«small»),
)
csrf = CSRFProtect(app)  # every POST form now needs {{ csrf_token() }}"#
    ),
    snip!(
        "py_jwt_verify",
        Python,
        r#"import jwt
from jwt import PyJWKClient

jwks = PyJWKClient("https://auth.example.com/.well-known/jwks.json", cache_keys=True)


def verify(token: str) -> dict:
    signing_key = jwks.get_signing_key_from_jwt(token)
    return jwt.decode(
        token,
        signing_key.key,
        algorithms=["RS256"],
        audience="«svc»",
        issuer="https://auth.example.com/",
        leeway=30,
    )"#
    ),
    snip!(
        "py_redis_cache",
        Python,
        r#"import json
import redis

r = redis.Redis(host="localhost", port=6379, decode_responses=True)


def get_«noun»(«noun»_id: int, ttl: int = «batch»0) -> dict:
    key = f"«noun»:{«noun»_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    «noun» = load_«noun»_from_db(«noun»_id)
    r.set(key, json.dumps(«noun»), ex=ttl)
    return «noun»"#
    ),
    // ------------------------------------------------------------------ Rust
    snip!(
        "rs_wordcount",
        Rust,
        r#"use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader};

fn word_counts(path: &str) -> io::Result<Vec<(String, usize)>> {
    let reader = BufReader::new(File::open(path)?);
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in reader.lines() {
        for word in line?.split_whitespace() {
            *counts.entry(word.to_lowercase()).or_insert(0) += 1;
        }
    }
    let mut sorted: Vec<_> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    sorted.truncate(«batch»);
    Ok(sorted)
}"#
    ),
    snip!(
        "rs_serde_config",
        Rust,
        r#"use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Config {
    listen_port: u16,
    database_url: String,
    #[serde(default = "default_workers")]
    workers: usize,
}

fn default_workers() -> usize {
    «workers»
}

fn load_config(path: &str) -> anyhow::Result<Config> {
    let text = std::fs::read_to_string(path)?;
    let config: Config = toml::from_str(&text)?;
    Ok(config)
}"#
    ),
    snip!(
        "rs_tokio_join",
        Rust,
        r#"use futures::future::join_all;

#[tokio::main]
async fn main() -> Result<(), reqwest::Error> {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()?;
    let urls: Vec<String> = (1..=«batch»).map(|i| format!("https://api.example.com/«nouns»/{i}")).collect();
    let responses = join_all(urls.iter().map(|u| client.get(u).send())).await;
    for (url, resp) in urls.iter().zip(responses) {
        match resp {
            Ok(r) => println!("{url}: {}", r.status()),
            Err(e) => eprintln!("{url}: {e}"),
        }
    }
    Ok(())
}"#
    ),
    snip!(
        "rs_error",
        Rust,
        r#"use thiserror::Error;

#[derive(Debug, Error)]
pub enum «Noun»Error {
    #[error("«noun» {0} not found")]
    NotFound(u64),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

pub async fn find_«noun»(pool: &PgPool, id: u64) -> Result<«Noun», «Noun»Error> {
    sqlx::query_as::<_, «Noun»>("SELECT * FROM «nouns» WHERE id = $1")
        .bind(id as i64)
        .fetch_optional(pool)
        .await?
        .ok_or(«Noun»Error::NotFound(id))
}"#
    ),
    snip!(
        "rs_arc_mutex",
        Rust,
        r#"use std::sync::{Arc, Mutex};
use std::thread;

fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..«workers»)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..1000 {
                    *counter.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    println!("total = {}", *counter.lock().unwrap());
}"#
    ),
    snip!(
        "rs_iter_group",
        Rust,
        r#"use std::collections::BTreeMap;

struct «Noun» {
    «cat»: String,
    «num»: f64,
}

fn totals_by_«cat»(items: &[«Noun»]) -> BTreeMap<&str, f64> {
    items.iter().fold(BTreeMap::new(), |mut acc, item| {
        *acc.entry(item.«cat».as_str()).or_insert(0.0) += item.«num»;
        acc
    })
}"#
    ),
    snip!(
        "rs_axum",
        Rust,
        r#"use axum::{extract::{Path, State}, http::StatusCode, routing::get, Json, Router};

async fn get_«noun»(
    State(pool): State<PgPool>,
    Path(id): Path<i64>,
) -> Result<Json<«Noun»>, StatusCode> {
    sqlx::query_as::<_, «Noun»>("SELECT * FROM «nouns» WHERE id = $1")
        .bind(id)
        .fetch_optional(&pool)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}

pub fn router(pool: PgPool) -> Router {
    Router::new().route("/«nouns»/{id}", get(get_«noun»)).with_state(pool)
}"#
    ),
    snip!(
        "rs_test",
        Rust,
        r#"#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_grouped() {
        let items = vec![
            «Noun» { «cat»: "«cat1»".into(), «num»: 2.0 },
            «Noun» { «cat»: "«cat1»".into(), «num»: 3.0 },
            «Noun» { «cat»: "«cat2»".into(), «num»: 1.5 },
        ];
        let totals = totals_by_«cat»(&items);
        assert_eq!(totals["«cat1»"], 5.0);
        assert_eq!(totals.len(), 2);
    }
}"#
    ),
    snip!(
        "rs_borrow_fix",
        Rust,
        r#"let mut «nouns» = load_«nouns»()?;
// Collect what you need first, then mutate: the shared borrow ends here.
let stale: Vec<usize> = «nouns»
    .iter()
    .enumerate()
    .filter(|(_, o)| o.is_stale())
    .map(|(i, _)| i)
    .collect();
for i in stale.into_iter().rev() {
    «nouns».remove(i);
}"#
    ),
    // ------------------------------------------------------------ JavaScript
    snip!(
        "js_express",
        JavaScript,
        r#"const express = require('express');
const router = express.Router();

router.get('/«nouns»/:id', async (req, res, next) => {
  try {
    const «noun» = await db.«noun».findByPk(req.params.id);
    if (!«noun») {
      return res.status(404).json({ error: '«Noun» not found' });
    }
    res.json(«noun»);
  } catch (err) {
    next(err);
  }
});

module.exports = router;"#
    ),
    snip!(
        "js_fetch_retry",
        JavaScript,
        r#"async function fetchWithRetry(url, options = {}, retries = «retries») {
  for (let attempt = 0; attempt < retries; attempt++) {
    try {
      const res = await fetch(url, { ...options, signal: AbortSignal.timeout(10000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return await res.json();
    } catch (err) {
      if (attempt === retries - 1) throw err;
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
  }
}"#
    ),
    snip!(
        "js_react",
        TypeScript,
        r#"import { useEffect, useState } from 'react';

export function «Noun»List({ «fkCamel» }: { «fkCamel»: string }) {
  const [«nouns», set«Nouns»] = useState<«Noun»[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetch(`/api/«nouns»?«fk»=${«fkCamel»}`, { signal: controller.signal })
      .then((r) => r.json())
      .then(set«Nouns»)
      .catch((e) => { if (e.name !== 'AbortError') setError(e.message); });
    return () => controller.abort();
  }, [«fkCamel»]);

  if (error) return <p role="alert">{error}</p>;
  return (
    <ul>
      {«nouns».map((item) => <li key={item.id}>{item.«textCamel»}</li>)}
    </ul>
  );
}"#
    ),
    snip!(
        "js_debounce",
        JavaScript,
        r#"function debounce(fn, wait = 300) {
  let timer;
  return function (...args) {
    clearTimeout(timer);
    timer = setTimeout(() => fn.apply(this, args), wait);
  };
}

const onSearch = debounce((q) => search«Nouns»(q), «batch»0);
input.addEventListener('input', (e) => onSearch(e.target.value));"#
    ),
    snip!(
        "ts_generic",
        TypeScript,
        r#"interface «Noun» {
  id: number;
  «fkCamel»: number;
  «numCamel»: number;
  «catCamel»: '«cat1»' | '«cat2»';
}

function groupBy<T, K extends PropertyKey>(items: T[], key: (item: T) => K): Record<K, T[]> {
  return items.reduce((acc, item) => {
    (acc[key(item)] ||= []).push(item);
    return acc;
  }, {} as Record<K, T[]>);
}

const byStatus = groupBy(«nouns», (o) => o.«catCamel»);"#
    ),
    snip!(
        "ts_dedupe",
        TypeScript,
        r#"function dedupe<T>(items: T[]): T[] {
  // a Set remembers what we've seen; insertion order is preserved
  const seen = new Set<T>();
  const result: T[] = [];
  for (const item of items) {
    if (!seen.has(item)) {
      seen.add(item);
      result.push(item);
    }
  }
  return result;
}

// or, in one line:
const unique«Nouns» = [...new Set(«nouns»)];"#
    ),
    snip!(
        "js_stream_lines",
        JavaScript,
        r#"const fs = require('node:fs');
const readline = require('node:readline');

async function countErrors(path) {
  const rl = readline.createInterface({ input: fs.createReadStream(path), crlfDelay: Infinity });
  let errors = 0;
  for await (const line of rl) {
    if (line.includes('ERROR')) errors++;
  }
  return errors;
}"#
    ),
    snip!(
        "js_jest",
        JavaScript,
        r#"const { debounce } = require('./debounce');

jest.useFakeTimers();

test('calls the function once after the wait', () => {
  const fn = jest.fn();
  const d = debounce(fn, 200);
  d('a');
  d('b');
  jest.advanceTimersByTime(199);
  expect(fn).not.toHaveBeenCalled();
  jest.advanceTimersByTime(1);
  expect(fn).toHaveBeenCalledWith('b');
});"#
    ),
    snip!(
        "js_async_refactor",
        JavaScript,
        r#"async function «fnCamel»(«fkCamel») {
  const «nouns» = await db.«nouns».findAll({ where: { «fkCamel» } });
  const results = await Promise.all(«nouns».map((o) => enrich(o)));
  return results.filter(Boolean);
}"#
    ),
    // ------------------------------------------------------------------- SQL
    snip!(
        "sql_group_join",
        Sql,
        r#"SELECT n.«cat»,
       COUNT(*)            AS «nouns»,
       SUM(n.«num»)        AS total_«num»,
       ROUND(AVG(n.«num»), 2) AS avg_«num»
FROM «nouns» n
JOIN «nouns2» m ON m.id = n.«fk»
WHERE n.«date» >= NOW() - INTERVAL '«days» days'
GROUP BY n.«cat»
ORDER BY total_«num» DESC;"#
    ),
    snip!(
        "sql_window",
        Sql,
        r#"SELECT «fk»,
       «date»,
       «num»,
       SUM(«num») OVER (PARTITION BY «fk» ORDER BY «date») AS running_total,
       RANK() OVER (PARTITION BY «fk» ORDER BY «num» DESC)   AS rank_in_group
FROM «nouns»
WHERE «date» >= DATE '2024-01-01';"#
    ),
    snip!(
        "sql_index",
        Sql,
        r#"-- Check the plan first
EXPLAIN (ANALYZE, BUFFERS)
SELECT * FROM «nouns» WHERE «fk» = 42 AND «date» > NOW() - INTERVAL '«days» days';

-- A composite index matching the filter; CONCURRENTLY avoids locking writes
CREATE INDEX CONCURRENTLY idx_«nouns»_«fk»_«date»
    ON «nouns» («fk», «date» DESC);"#
    ),
    snip!(
        "sql_upsert",
        Sql,
        r#"INSERT INTO «nouns» (id, «fk», «num», «cat»)
VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE
SET «num» = EXCLUDED.«num»,
    «cat» = EXCLUDED.«cat»,
    updated_at = NOW();"#
    ),
    snip!(
        "sql_dedupe",
        Sql,
        r#"WITH ranked AS (
    SELECT id,
           ROW_NUMBER() OVER (PARTITION BY «fk», «text» ORDER BY «date» DESC) AS rn
    FROM «nouns»
)
DELETE FROM «nouns»
WHERE id IN (SELECT id FROM ranked WHERE rn > 1);"#
    ),
    snip!(
        "sql_daily",
        Sql,
        r#"SELECT date_trunc('day', «date») AS day,
       COUNT(*) AS «nouns»,
       COUNT(DISTINCT «fk») AS distinct_«fk»
FROM «nouns»
WHERE «date» >= CURRENT_DATE - «days»
GROUP BY 1
ORDER BY 1;"#
    ),
    // ------------------------------------------------------------------ Bash
    snip!(
        "sh_backup",
        Bash,
        r#"#!/usr/bin/env bash
set -euo pipefail

BACKUP_DIR=/var/backups/«svc»
STAMP=$(date +%Y%m%d-%H%M%S)

mkdir -p "$BACKUP_DIR"
pg_dump --format=custom --dbname="$DATABASE_URL" > "$BACKUP_DIR/«db»-$STAMP.dump"

# keep the last «days» days
find "$BACKUP_DIR" -name '*.dump' -mtime +«days» -delete
echo "backup written to $BACKUP_DIR/«db»-$STAMP.dump""#
    ),
    snip!(
        "sh_find_logs",
        Bash,
        r#"# list what would be deleted first
find /var/log/«svc» -type f -name '*.log' -mtime +«days» -print

# then delete, and compress anything older than a day
find /var/log/«svc» -type f -name '*.log' -mtime +«days» -delete
find /var/log/«svc» -type f -name '*.log' -mtime +1 -exec gzip {} +"#
    ),
    snip!(
        "sh_docker",
        Bash,
        r#"docker build -t «svc»:dev .
docker run --rm -p «port»:«port» --env-file .env «svc»:dev

# see why the container exited
docker ps -a --filter name=«svc»
docker logs --tail 100 $(docker ps -aq --filter name=«svc» | head -1)"#
    ),
    snip!(
        "sh_kubectl",
        Bash,
        r#"kubectl get pods -l app=«svc» -o wide
kubectl describe pod -l app=«svc» | sed -n '/Events:/,$p'
kubectl logs deploy/«svc» --previous --tail=200
kubectl rollout status deploy/«svc» --timeout=120s"#
    ),
    snip!(
        "sh_curl",
        Bash,
        r#"curl -sS -X POST "https://api.example.com/v1/«nouns»" \
  -H "Content-Type: application/json" \
  -d '{"«fk»": 42, "«num»": 10}' | jq ."#
    ),
    snip!(
        "sh_git",
        Bash,
        r#"git fetch origin
git switch feature/«noun»-«verb»
git rebase origin/main
# fix conflicts, then
git add -A
git rebase --continue
git push --force-with-lease"#
    ),
    // ------------------------------------------------------------------ YAML
    snip!(
        "yml_compose",
        Yaml,
        r#"services:
  «svc»:
    build: .
    ports:
      - "«port»:«port»"
    environment:
      DATABASE_URL: postgres://«db»@db:5432/«db»
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16
    environment:
      POSTGRES_DB: «db»
      POSTGRES_HOST_AUTH_METHOD: trust
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 5s
      retries: 10"#
    ),
    snip!(
        "yml_gha",
        Yaml,
        r#"name: ci
on:
  push:
    branches: [main]
  pull_request:

jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
          cache: pip
      - run: pip install -r requirements.txt
      - run: pytest -q --maxfail=1"#
    ),
    snip!(
        "yml_k8s",
        Yaml,
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: «svc»
spec:
  replicas: «small»
  selector:
    matchLabels:
      app: «svc»
  template:
    metadata:
      labels:
        app: «svc»
    spec:
      containers:
        - name: «svc»
          image: registry.example.com/«svc»:1.«small».0
          ports:
            - containerPort: «port»
          resources:
            requests: { cpu: 250m, memory: 256Mi }
            limits: { memory: 512Mi }
          readinessProbe:
            httpGet: { path: /healthz, port: «port» }
            initialDelaySeconds: 5"#
    ),
    // ------------------------------------------------------------------ JSON
    snip!(
        "json_package",
        Json,
        r#"{
  "name": "«svc»",
  "version": "1.«small».0",
  "private": true,
  "type": "module",
  "scripts": {
    "dev": "tsx watch src/index.ts",
    "build": "tsc -p tsconfig.json",
    "test": "vitest run"
  },
  "dependencies": {
    "express": "^4.19.2",
    "zod": "^3.23.8"
  },
  "devDependencies": {
    "typescript": "^5.5.4",
    "vitest": "^2.0.5"
  }
}"#
    ),
    snip!(
        "json_api_response",
        Json,
        r#"{
  "data": [
    { "id": 101, "«fk»": 7, "«num»": 19.9, "«cat»": "«cat1»" },
    { "id": 102, "«fk»": 7, "«num»": 5.0, "«cat»": "«cat2»" }
  ],
  "page": 1,
  "per_page": «batch»,
  "total": 2
}"#
    ),
    snip!(
        "json_tsconfig",
        Json,
        r#"{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "outDir": "dist",
    "sourceMap": true
  },
  "include": ["src"]
}"#
    ),
    snip!(
        "json_iam",
        Json,
        r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::«svc»-«nouns»/*"
    }
  ]
}"#
    ),
    // ---------------------------------------------------------- other langs
    snip!(
        "go_workers",
        Go,
        r#"func process«Nouns»(ctx context.Context, jobs <-chan «Noun», workers int) error {
	g, ctx := errgroup.WithContext(ctx)
	for i := 0; i < workers; i++ {
		g.Go(func() error {
			for job := range jobs {
				if err := handle(ctx, job); err != nil {
					return fmt.Errorf("«noun» %d: %w", job.ID, err)
				}
			}
			return nil
		})
	}
	return g.Wait()
}"#
    ),
    snip!(
        "go_handler",
        Go,
        r#"func (s *Server) get«Noun»(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	item, err := s.store.Get«Noun»(r.Context(), id)
	if errors.Is(err, sql.ErrNoRows) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(item)
}"#
    ),
    snip!(
        "docker_multistage",
        Dockerfile,
        r#"FROM node:20-alpine AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-alpine
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
USER node
EXPOSE «port»
CMD ["node", "dist/index.js"]"#
    ),
    snip!(
        "tf_bucket",
        Hcl,
        r#"resource "aws_s3_bucket" "«nouns»" {
  bucket = "«svc»-«nouns»-${var.env}"
}

resource "aws_s3_bucket_versioning" "«nouns»" {
  bucket = aws_s3_bucket.«nouns».id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "«nouns»" {
  bucket                  = aws_s3_bucket.«nouns».id
  block_public_acls       = true
  block_public_policy     = true
  restrict_public_buckets = true
}"#
    ),
    snip!(
        "kt_viewmodel",
        Kotlin,
        r#"class «Noun»ViewModel(private val repo: «Noun»Repository) : ViewModel() {
    private val _state = MutableStateFlow<UiState>(UiState.Loading)
    val state: StateFlow<UiState> = _state

    fun load(id: Long) {
        viewModelScope.launch {
            _state.value = try {
                UiState.Ready(withContext(Dispatchers.IO) { repo.fetch(id) })
            } catch (e: IOException) {
                UiState.Error(e.message ?: "network error")
            }
        }
    }
}"#
    ),
    snip!(
        "swift_optional",
        Swift,
        r#"func load«Noun»(id: Int) async throws -> «Noun» {
    let url = URL(string: "https://api.example.com/«nouns»/\(id)")!
    let (data, response) = try await URLSession.shared.data(from: url)
    guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
        throw APIError.badStatus
    }
    return try JSONDecoder().decode(«Noun».self, from: data)
}

if let «noun» = try? await load«Noun»(id: 42) {
    print(«noun».«textCamel»)
}"#
    ),
];

/// Before/after pairs for refactoring, security fixes and translations.
pub struct Pair {
    pub id: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    pub lang: Lang,
    pub after_lang: Lang,
    /// What the change does, as a sentence.
    pub explain: &'static str,
}

macro_rules! pair {
    ($id:literal, $lang:ident => $alang:ident, $before:literal, $after:literal, $explain:literal) => {
        Pair { id: $id, lang: Lang::$lang, after_lang: Lang::$alang, before: $before, after: $after, explain: $explain }
    };
}

pub static REFACTORS: &[Pair] = &[
    pair!("guard_clauses", Python => Python, r#"def ship(«noun»):
    if «noun» is not None:
        if «noun».«cat» == "«cat1»":
            if «noun».«num» > 0:
                send(«noun»)
                return True
            else:
                return False
        else:
            return False
    else:
        return False"#, r#"def ship(«noun») -> bool:
    if «noun» is None or «noun».«cat» != "«cat1»":
        return False
    if «noun».«num» <= 0:
        return False
    send(«noun»)
    return True"#, "Early returns (guard clauses) remove the nesting, so the happy path reads top to bottom."),
    pair!("comprehension", Python => Python, r#"result = []
for «noun» in «nouns»:
    if «noun»["«cat»"] == "«cat1»":
        result.append(«noun»["«num»"] * 1.2)"#, r#"result = [
    «noun»["«num»"] * 1.2
    for «noun» in «nouns»
    if «noun»["«cat»"] == "«cat1»"
]"#, "A list comprehension says the same thing in one expression and avoids the mutable accumulator."),
    pair!("callbacks", JavaScript => JavaScript, r#"function «fnCamel»(id, cb) {
  db.find(id, function (err, «noun») {
    if (err) return cb(err);
    api.enrich(«noun», function (err, enriched) {
      if (err) return cb(err);
      db.save(enriched, function (err) {
        if (err) return cb(err);
        cb(null, enriched);
      });
    });
  });
}"#, r#"async function «fnCamel»(id) {
  const «noun» = await db.find(id);
  const enriched = await api.enrich(«noun»);
  await db.save(enriched);
  return enriched;
}"#, "With promises and async/await the three steps read sequentially and a single try/catch at the call site handles every error."),
    pair!("unwraps", Rust => Rust, r#"fn read_port(path: &str) -> u16 {
    let text = std::fs::read_to_string(path).unwrap();
    let value: toml::Value = text.parse().unwrap();
    value["server"]["port"].as_integer().unwrap() as u16
}"#, r#"fn read_port(path: &str) -> anyhow::Result<u16> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading {path}"))?;
    let value: toml::Value = text.parse()?;
    let port = value["server"]["port"]
        .as_integer()
        .context("server.port missing or not an integer")?;
    Ok(u16::try_from(port)?)
}"#, "Returning a Result and using `?` with context turns panics into errors the caller can report, with a message that says which file and key were wrong."),
    pair!("magic_numbers", TypeScript => TypeScript, r#"function price(o: «Noun») {
  if (o.«numCamel» > 100) return o.«numCamel» * 0.9;
  if (o.«numCamel» > 50) return o.«numCamel» * 0.95;
  return o.«numCamel»;
}"#, r#"const DISCOUNTS = [
  { over: 100, factor: 0.9 },
  { over: 50, factor: 0.95 },
] as const;

function price(o: «Noun»): number {
  const tier = DISCOUNTS.find((d) => o.«numCamel» > d.over);
  return tier ? o.«numCamel» * tier.factor : o.«numCamel»;
}"#, "Moving the thresholds into a table names the magic numbers and makes adding a tier a one-line change."),
];

pub static VULNS: &[Pair] = &[
    pair!("sqli", Python => Python, r#"def find_«noun»(conn, name):
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM «nouns» WHERE «text» = '{name}'")
    return cur.fetchall()"#, r#"def find_«noun»(conn, name):
    cur = conn.cursor()
    cur.execute("SELECT * FROM «nouns» WHERE «text» = %s", (name,))
    return cur.fetchall()"#, "The query is built with string formatting, so input like `' OR '1'='1` changes the SQL itself: that's SQL injection. Pass the value as a parameter and let the driver quote it."),
    pair!("xss", JavaScript => JavaScript, r#"function render«Noun»(«noun») {
  const el = document.getElementById('«noun»-«text»');
  el.innerHTML = `<b>${«noun».«textCamel»}</b>`;
}"#, r#"function render«Noun»(«noun») {
  const el = document.getElementById('«noun»-«text»');
  const b = document.createElement('b');
  b.textContent = «noun».«textCamel»;
  el.replaceChildren(b);
}"#, "Assigning user-controlled text to `innerHTML` lets a value like `<img src=x onerror=alert(1)>` run script in your page (stored XSS). Build the element and set `textContent`, which is never parsed as HTML."),
    pair!("path_traversal", Python => Python, r#"@app.get("/files/<name>")
def download(name):
    return send_file(os.path.join(UPLOAD_DIR, name))"#, r#"@app.get("/files/<name>")
def download(name):
    base = Path(UPLOAD_DIR).resolve()
    target = (base / name).resolve()
    if not target.is_relative_to(base):
        abort(404)
    return send_file(target)"#, "`name` can be `../../etc/passwd`, and `os.path.join` happily walks out of the upload directory (path traversal). Resolve the path and check it is still inside the base directory."),
    pair!("jwt_verify", Python => Python, r#"def current_user(request):
    token = request.headers["Authorization"].split()[1]
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims["sub"]"#, r#"def current_user(request):
    token = request.headers["Authorization"].removeprefix("Bearer ").strip()
    claims = jwt.decode(
        token,
        PUBLIC_KEY,
        algorithms=["RS256"],
        audience="«svc»",
    )
    return claims["sub"]"#, "Decoding a JWT without verifying the signature means anyone can forge a token with any `sub`. Verify with the issuer's key, pin the algorithm and check the audience."),
    pair!("md5_passwords", Python => Python, r#"def store_password(user, password):
    user.password_hash = hashlib.md5(password.encode()).hexdigest()
    user.save()"#, r#"from argon2 import PasswordHasher

ph = PasswordHasher()

def store_password(user, password):
    user.password_hash = ph.hash(password)
    user.save()

def check_password(user, password):
    try:
        return ph.verify(user.password_hash, password)
    except argon2.exceptions.VerifyMismatchError:
        return False"#, "MD5 is fast and unsalted, so leaked hashes can be cracked in bulk with precomputed tables. Use a slow, salted password hash such as Argon2id or bcrypt."),
    pair!("cors", JavaScript => JavaScript, r#"app.use(cors({ origin: '*', credentials: true }));"#, r#"const allowed = new Set(['https://app.example.com', 'https://admin.example.com']);

app.use(cors({
  origin: (origin, cb) => cb(null, !origin || allowed.has(origin)),
  credentials: true,
}));"#, "A wildcard origin combined with credentials lets any site make authenticated requests on behalf of your users. Allow-list the origins you actually serve."),
];

/// (from snippet, to snippet, what changes in the translation).
pub const TRANSLATIONS: &[(&str, &str, &str)] = &[
    (
        "py_wordcount",
        "rs_wordcount",
        "The structure maps one to one; the main difference is that Rust makes the error cases explicit with `io::Result`, so the caller decides what happens when the file can't be read, and the sort needs an explicit tie-breaker to be deterministic.",
    ),
    (
        "py_retry",
        "js_fetch_retry",
        "`fetch` replaces `requests`, a rejected promise replaces the exception, and `AbortSignal.timeout` gives the same per-request timeout. Note that `fetch` does not reject on HTTP errors, hence the explicit `res.ok` check.",
    ),
    (
        "py_dedupe",
        "ts_dedupe",
        "A `Set` plays the role of Python's `set`, and the generic parameter keeps the element type, so `dedupe` on a `string[]` returns a `string[]`. Like the Python version, it compares primitives by value and objects by identity.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_ids_are_unique() {
        let mut ids: Vec<_> = SNIPPETS.iter().map(|s| s.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    #[test]
    fn json_snippets_parse() {
        let mut rng = crate::spangen::rng::Rng::new(1);
        for s in SNIPPETS.iter().filter(|s| s.lang == Lang::Json) {
            for _ in 0..20 {
                let v = crate::spangen::vocab::Vars::new(&mut rng);
                let text = v.fill(s.code);
                assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{}: {text}", s.id);
            }
        }
    }

    #[test]
    fn every_slot_resolves() {
        let mut rng = crate::spangen::rng::Rng::new(2);
        let v = crate::spangen::vocab::Vars::new(&mut rng);
        let all =
            SNIPPETS.iter().map(|s| s.code).chain(REFACTORS.iter().chain(VULNS).flat_map(|p| [p.before, p.after]));
        for code in all {
            let out = v.fill(code);
            assert!(!out.contains('«'), "unresolved slot in: {out}");
        }
    }
}
