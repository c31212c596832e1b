//! The model folder's files: vector tables as raw little-endian `f32`
//! (memory-mapped when read), records and held-out items as bincode.

use crate::output::write_file_with;
use anyhow::{Context as _, bail};
use memmap2::Mmap;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::Write as _;
use std::path::Path;

/// A read-only table of `f32` rows, memory-mapped from its file.
pub struct F32Table {
    map: Option<Mmap>,
    owned: Vec<f32>,
    pub dims: usize,
}

impl F32Table {
    /// Map `path` (rows of `dims` floats).
    pub fn open(path: &Path, dims: usize) -> anyhow::Result<F32Table> {
        let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let len = f.metadata()?.len() as usize;
        if !len.is_multiple_of(4 * dims) {
            bail!("{}: {len} bytes is not a whole number of {dims}-float rows", path.display());
        }
        if len == 0 {
            return Ok(F32Table { map: None, owned: Vec::new(), dims });
        }
        // SAFETY: the model folder is LogLine's own; files are replaced by
        // rename, never rewritten in place, so a mapping stays valid.
        let map = unsafe { Mmap::map(&f) }.with_context(|| format!("cannot map {}", path.display()))?;
        if cfg!(target_endian = "little") && (map.as_ptr() as usize).is_multiple_of(4) {
            Ok(F32Table { map: Some(map), owned: Vec::new(), dims })
        } else {
            let owned = map.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
            Ok(F32Table { map: None, owned, dims })
        }
    }

    /// A table held in memory (for a model being built).
    pub fn from_vec(owned: Vec<f32>, dims: usize) -> F32Table {
        F32Table { map: None, owned, dims }
    }

    pub fn as_slice(&self) -> &[f32] {
        match &self.map {
            // SAFETY: checked above: little-endian, 4-byte aligned, whole rows.
            Some(m) => unsafe { std::slice::from_raw_parts(m.as_ptr().cast::<f32>(), m.len() / 4) },
            None => &self.owned,
        }
    }

    pub fn rows(&self) -> usize {
        self.as_slice().len() / self.dims
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.as_slice()[i * self.dims..(i + 1) * self.dims]
    }

    pub fn is_mapped(&self) -> bool {
        self.map.is_some()
    }
}

/// Write floats as raw little-endian `f32`.
pub fn write_f32(path: &Path, data: &[f32]) -> anyhow::Result<()> {
    write_file_with(path, |w| {
        for x in data {
            w.write_all(&x.to_le_bytes())?;
        }
        Ok(())
    })
}

/// Read a whole raw `f32` file.
pub fn read_f32(path: &Path) -> anyhow::Result<Vec<f32>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !bytes.len().is_multiple_of(4) {
        bail!("{}: {} bytes is not a whole number of floats", path.display(), bytes.len());
    }
    Ok(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

/// The one bincode layout of the model folder's files.
pub fn bincode_config() -> impl bincode::config::Config {
    bincode::config::standard().with_fixed_int_encoding().with_little_endian()
}

pub fn write_bin<T: Serialize>(path: &Path, value: &T) -> anyhow::Result<()> {
    write_file_with(path, |w| {
        bincode::serde::encode_into_std_write(value, w, bincode_config())?;
        Ok(())
    })
}

pub fn read_bin<T: DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    bincode::serde::decode_from_std_read(&mut std::io::BufReader::new(f), bincode_config())
        .with_context(|| format!("{} is not a LogLine model file", path.display()))
}

pub fn write_json<T: Serialize>(path: &Path, value: &T) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    crate::output::write_file(path, text.as_bytes())
}

pub fn read_json<T: DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid", path.display()))
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> anyhow::Result<String> {
    use sha2::Digest as _;
    use std::io::Read as _;
    let mut f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}
