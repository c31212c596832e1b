//! The persistent embedding cache: sha256(model key, token ids) → vector, in a
//! redb file. A re-run, or a text that appears again, skips the model.
//!
//! One process holds the file at a time; a second one runs without the
//! cache (with a warning) rather than waiting.

use anyhow::Context as _;
use redb::{Database, ReadableDatabase, TableDefinition};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A cached vector and whether its text was truncated.
pub type Embedded = (Vec<f32>, bool);

const TABLE: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("embeddings");

/// redb's page cache for this file. Its default (1 GiB) kept every vector
/// written or looked up during a run in memory, ~1.5 KB per new text, so a
/// run's memory grew with its input (#12). Look-ups are by hash, a page
/// each; the OS page cache keeps the file's hot pages.
const CACHE_BYTES: usize = 8 << 20;

/// A cache key: the model and the token ids the text became. Texts that
/// differ only in what the tokenizer ignores (whitespace, line endings) share
/// one entry, so a whitespace-only edit never runs the model again.
pub type Key = [u8; 32];

pub fn key(model_key: &str, ids: &[i64]) -> Key {
    let mut h = Sha256::new();
    h.update(model_key.as_bytes());
    h.update([0u8]);
    for id in ids {
        h.update((*id as u32).to_le_bytes());
    }
    h.finalize().into()
}

pub struct EmbedCache {
    db: Database,
    pub path: PathBuf,
}

/// Cache files one machine can have open at once (`NAME.redb`, then
/// `NAME-2.redb` …).
const SIBLINGS: usize = 8;

/// The `n`th cache file: `path` itself, then `NAME-n.EXT` beside it.
fn sibling(path: &Path, n: usize) -> PathBuf {
    if n == 1 {
        return path.to_path_buf();
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

impl EmbedCache {
    /// Open (or create) the cache file. A file holds one process at a time:
    /// while another process has it (shards run side by side on one
    /// machine), the next free sibling `NAME-2.redb` … `NAME-8.redb` serves
    /// this one. `Ok(None)` when all are taken.
    pub fn open(path: &Path) -> anyhow::Result<Option<Self>> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        for n in 1..=SIBLINGS {
            let p = sibling(path, n);
            match Database::builder().set_cache_size(CACHE_BYTES).create(&p) {
                Ok(db) => {
                    if n > 1 {
                        tracing::info!(
                            "embedding cache {} is in use by another process; using {}",
                            path.display(),
                            p.display()
                        );
                    }
                    return Ok(Some(EmbedCache { db, path: p }));
                }
                Err(redb::DatabaseError::DatabaseAlreadyOpen) => continue,
                Err(e) => return Err(e).with_context(|| format!("opening embedding cache {}", p.display())),
            }
        }
        tracing::warn!(
            "embedding cache {} and its {} siblings are in use by other processes; running without a cache",
            path.display(),
            SIBLINGS - 1
        );
        Ok(None)
    }

    /// Look keys up: the vector and whether its text was truncated; `None`
    /// where missing.
    pub fn get_many(&self, keys: &[Key], dims: usize) -> anyhow::Result<Vec<Option<Embedded>>> {
        let tx = self.db.begin_read()?;
        let table = match tx.open_table(TABLE) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(vec![None; keys.len()]),
            Err(e) => return Err(e.into()),
        };
        keys.iter()
            .map(|k| {
                Ok(table.get(k)?.and_then(|v| {
                    let bytes = v.value();
                    (bytes.len() == dims * 4 + 1).then(|| {
                        let v = bytes[..dims * 4]
                            .chunks_exact(4)
                            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                            .collect();
                        (v, bytes[dims * 4] != 0)
                    })
                }))
            })
            .collect()
    }

    /// Store vectors with their truncation flag (one transaction).
    pub fn put_many(&self, entries: &[(Key, &[f32], bool)]) -> anyhow::Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let tx = self.db.begin_write()?;
        {
            let mut table = tx.open_table(TABLE)?;
            let mut buf = Vec::new();
            for (k, v, truncated) in entries {
                buf.clear();
                for x in *v {
                    buf.extend_from_slice(&x.to_le_bytes());
                }
                buf.push(u8::from(*truncated));
                table.insert(k, buf.as_slice())?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_in_use_by_another_opener_is_not_lost_to_the_next_one() {
        // Shards side by side on one machine each got no cache at all: the
        // second opener now takes `embeddings-2.redb`, and a third the next.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("embeddings.redb");
        let a = EmbedCache::open(&path).unwrap().unwrap();
        let b = EmbedCache::open(&path).unwrap().unwrap();
        let c = EmbedCache::open(&path).unwrap().unwrap();
        assert_eq!(a.path, path);
        assert_eq!(b.path, dir.path().join("embeddings-2.redb"));
        assert_eq!(c.path, dir.path().join("embeddings-3.redb"));
        let key = key("m", &[1, 2, 3]);
        b.put_many(&[(key, &[0.5, -0.5], true)]).unwrap();
        assert_eq!(b.get_many(&[key], 2).unwrap(), vec![Some((vec![0.5, -0.5], true))]);
        drop(a);
        // The first file is free again: the next opener takes it.
        assert_eq!(EmbedCache::open(&path).unwrap().unwrap().path, path);
    }
}
