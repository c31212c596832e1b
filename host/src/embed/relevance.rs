//! A cross-encoder that reads a question and an answer together and says
//! whether the answer is about the question: one logit, above 0 on topic.
//!
//! The sentence vectors embed a question and an answer apart, so an answer
//! to another question on a neighbouring subject ("How do I build a PC?"
//! answered with a guide to learning guitar) can sit as close to the
//! question as an unusual real answer does. Read together, the two are told
//! apart. The model is all-MiniLM-L6-v2 fine-tuned on question–answer pairs
//! from permissively licensed public data (`bench/relevance/`): this
//! repository ships only what the fine-tuning changed (low-rank adapters,
//! biases, norms and the head, 2 MB), and `scripts/setup-model.sh` builds
//! the graph from that and the base model, beside the embedding model. The
//! gate asks it only about answers whose query–answer cosine leaves doubt
//! (`off_topic_relevance_cosine`).

use super::model::{ModelFiles, ModelInfo, open_session};
use anyhow::{Context, bail};
use ort::session::Session;
use ort::value::Tensor;
use std::path::Path;
use std::sync::Mutex;
use tokenizers::Tokenizer;

/// The folder name of the bundled relevance model, beside the embedding model's.
pub const RELEVANCE_MODEL: &str = "relevance-minilm-l6";

/// Characters of an answer handed to the tokenizer: far more than the
/// model's window needs, so a long answer is not tokenised whole.
const ANSWER_CHARS: usize = 4000;

/// How a pair is laid out, from `model.json` (`pair`).
#[derive(Debug, Clone, Copy, serde::Deserialize, serde::Serialize)]
pub struct PairLayout {
    /// Tokens of the pair, special tokens included.
    pub max_tokens: usize,
    /// Tokens of the question at most: a longer question keeps its head
    /// and its last `query_tail_tokens` (where a request often says what it wants).
    pub max_query_tokens: usize,
    pub query_tail_tokens: usize,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct RelevanceInfo {
    #[serde(flatten)]
    model: ModelInfo,
    pair: PairLayout,
}

impl std::fmt::Debug for Relevance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relevance").field("model", &self.key()).field("sessions", &self.sessions.len()).finish()
    }
}

pub struct Relevance {
    /// One single-threaded session per worker that may ask at once.
    sessions: Vec<Mutex<Session>>,
    tokenizer: Tokenizer,
    pub files: ModelFiles,
    pair: PairLayout,
    cls: i64,
    sep: i64,
}

impl Relevance {
    /// The relevance model in the models root that holds `embedding` (the
    /// embedding model's files): `<root>/relevance-minilm-l6`.
    pub fn beside(embedding: &ModelFiles, sessions: usize) -> anyhow::Result<Relevance> {
        let root = embedding.dir.parent().unwrap_or(&embedding.dir);
        Relevance::load(&root.join(RELEVANCE_MODEL), &embedding.ort_lib, sessions)
    }

    /// Load the model in `dir` (its `model.json`, graph and tokenizer),
    /// with `sessions` sessions for as many workers asking at once.
    pub fn load(dir: &Path, ort_lib: &Path, sessions: usize) -> anyhow::Result<Relevance> {
        let manifest = dir.join("model.json");
        let text = std::fs::read_to_string(&manifest).with_context(|| {
            format!(
                "reading {} (the relevance model; run `./scripts/setup-model.sh`, or set \
                 quality.garbage.off_topic_relevance_cosine = 0 to judge topic without it)",
                manifest.display()
            )
        })?;
        let info: RelevanceInfo = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a relevance model manifest", manifest.display()))?;
        let p = info.pair;
        if p.max_query_tokens + 3 >= p.max_tokens || p.query_tail_tokens > p.max_query_tokens {
            bail!("{}: pair layout {p:?} leaves no room for the answer", manifest.display());
        }
        let files = ModelFiles { dir: dir.to_path_buf(), info: info.model, ort_lib: ort_lib.to_path_buf() };
        let tokenizer_path = dir.join(&files.info.tokenizer);
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("loading {}", tokenizer_path.display()))?;
        tokenizer.with_padding(None);
        tokenizer.with_truncation(None).map_err(|e| anyhow::anyhow!("{e}"))?;
        let id = |t: &str| {
            tokenizer
                .token_to_id(t)
                .map(i64::from)
                .with_context(|| format!("{}: no {t} token", tokenizer_path.display()))
        };
        let (cls, sep) = (id("[CLS]")?, id("[SEP]")?);
        let sessions =
            (0..sessions.max(1)).map(|_| open_session(&files, 1, false).map(Mutex::new)).collect::<Result<_, _>>()?;
        Ok(Relevance { sessions, tokenizer, files, pair: p, cls, sep })
    }

    /// A short key identifying the exact model (reports).
    pub fn key(&self) -> String {
        self.files.key()
    }

    /// The pair as the model reads it: `[CLS] question [SEP] answer [SEP]`,
    /// the question clipped to its head and tail, the answer to what fits.
    /// Returns the ids and the segment of each (0 question, 1 answer).
    pub fn encode(&self, query: &str, answer: &str) -> anyhow::Result<(Vec<i64>, Vec<i64>)> {
        let p = self.pair;
        let ids = |t: &str| -> anyhow::Result<Vec<i64>> {
            let e = self.tokenizer.encode(t, false).map_err(|e| anyhow::anyhow!("tokenizing: {e}"))?;
            Ok(e.get_ids().iter().map(|&i| i64::from(i)).collect())
        };
        let mut q = ids(query)?;
        if q.len() > p.max_query_tokens {
            let tail = q.split_off(q.len() - p.query_tail_tokens);
            q.truncate(p.max_query_tokens - p.query_tail_tokens);
            q.extend(tail);
        }
        let cut = answer.char_indices().nth(ANSWER_CHARS).map_or(answer.len(), |(i, _)| i);
        let mut a = ids(&answer[..cut])?;
        a.truncate(p.max_tokens - 3 - q.len());
        let mut input = Vec::with_capacity(q.len() + a.len() + 3);
        input.push(self.cls);
        input.extend(&q);
        input.push(self.sep);
        let first = input.len();
        input.extend(&a);
        input.push(self.sep);
        let mut segment = vec![0i64; input.len()];
        segment[first..].fill(1);
        Ok((input, segment))
    }

    /// The model's logit for `answer` answering `query` (above 0: on topic).
    pub fn score(&self, query: &str, answer: &str) -> anyhow::Result<f32> {
        let (ids, segment) = self.encode(query, answer)?;
        let n = ids.len();
        let shape = [1i64, n as i64];
        let tensor = |v: Vec<i64>| Tensor::from_array((shape, v)).map_err(|e| anyhow::anyhow!("{e}"));
        let inputs = ort::inputs![
            "input_ids" => tensor(ids)?,
            "attention_mask" => tensor(vec![1i64; n])?,
            "token_type_ids" => tensor(segment)?,
        ];
        // A free session if there is one, else wait for the first.
        let mut session = self
            .sessions
            .iter()
            .find_map(|m| m.try_lock().ok())
            .unwrap_or_else(|| self.sessions[0].lock().unwrap_or_else(|p| p.into_inner()));
        let outputs = session.run(inputs).map_err(|e| anyhow::anyhow!("running the relevance model: {e}"))?;
        let (shape, logits) =
            outputs[0].try_extract_tensor::<f32>().map_err(|e| anyhow::anyhow!("reading relevance output: {e}"))?;
        match logits {
            [x] => Ok(*x),
            _ => bail!("the relevance model returned shape {shape:?}, expected [1, 1]"),
        }
    }
}
