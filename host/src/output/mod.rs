//! Output files appear only when complete: each is written as
//! `<name>.partial` and renamed into place by [`AsideWriter::commit`].
//! A crash leaves `.partial` files (which `--resume` picks up), never a
//! file that looks finished.

pub mod sink;

use anyhow::Context as _;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The name a file has while it is being written.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".partial");
    PathBuf::from(s)
}

/// A line-oriented file written aside.
pub struct AsideWriter {
    path: PathBuf,
    partial: PathBuf,
    out: BufWriter<File>,
    lines: u64,
    bytes: u64,
}

impl AsideWriter {
    /// Start a new file (an old partial is discarded).
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let partial = partial_path(path);
        let file = File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
        Ok(AsideWriter {
            path: path.to_path_buf(),
            partial,
            out: BufWriter::with_capacity(1 << 20, file),
            lines: 0,
            bytes: 0,
        })
    }

    /// Continue a partial file from a checkpoint: cut it back to `bytes`.
    pub fn resume(path: &Path, bytes: u64, lines: u64) -> anyhow::Result<Self> {
        let partial = partial_path(path);
        let file = OpenOptions::new()
            .write(true)
            .open(&partial)
            .with_context(|| format!("cannot reopen {}", partial.display()))?;
        let len = file.metadata()?.len();
        anyhow::ensure!(
            len >= bytes,
            "{} is shorter ({len} bytes) than its checkpoint ({bytes} bytes)",
            partial.display()
        );
        file.set_len(bytes)?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        use std::io::Seek;
        out.seek(std::io::SeekFrom::Start(bytes))?;
        Ok(AsideWriter { path: path.to_path_buf(), partial, out, lines, bytes })
    }

    pub fn write_line(&mut self, line: &str) -> anyhow::Result<()> {
        self.out
            .write_all(line.as_bytes())
            .and_then(|_| self.out.write_all(b"\n"))
            .with_context(|| format!("writing {}", self.partial.display()))?;
        self.lines += 1;
        self.bytes += line.len() as u64 + 1;
        Ok(())
    }

    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Flush to disk; returns (bytes, lines) for a checkpoint.
    pub fn sync(&mut self) -> anyhow::Result<(u64, u64)> {
        self.out.flush().with_context(|| format!("writing {}", self.partial.display()))?;
        self.out.get_ref().sync_data().with_context(|| format!("syncing {}", self.partial.display()))?;
        Ok((self.bytes, self.lines))
    }

    /// Finish: flush, sync and rename into place. Returns (path, lines).
    pub fn commit(mut self) -> anyhow::Result<(PathBuf, u64)> {
        self.sync()?;
        std::fs::rename(&self.partial, &self.path)
            .with_context(|| format!("renaming {} into place", self.partial.display()))?;
        Ok((self.path, self.lines))
    }
}

/// Copy the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for e in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let p = e?.path();
        let dest = to.join(p.file_name().context("a file name")?);
        if p.is_dir() {
            copy_dir(&p, &dest)?;
        } else {
            std::fs::copy(&p, &dest).with_context(|| format!("copying {}", p.display()))?;
        }
    }
    Ok(())
}

/// A scratch file, created empty for writing and reading back.
pub fn scratch_file(path: &Path) -> anyhow::Result<File> {
    File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))
}

/// Rewrite a line file in place, aside: `each(row, line, out)` sees every
/// line (without its newline) in order and writes what replaces it.
pub fn rewrite_lines(
    path: &Path,
    mut each: impl FnMut(usize, &str, &mut AsideWriter) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use std::io::BufRead as _;
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = AsideWriter::create(path)?;
    for (row, line) in std::io::BufReader::with_capacity(1 << 20, file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {} line {}", path.display(), row + 1))?;
        each(row, &line, &mut out)?;
    }
    out.commit()?;
    Ok(())
}

/// Write a whole small file aside and rename it into place.
pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_file_with(path, |w| Ok(w.write_all(bytes)?))
}

/// Write a file through a buffer as `<name>.partial`, sync it, and rename
/// it into place: the one way LogLine writes a whole file.
pub fn write_file_with(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    write_file_via(path, &partial_path(path), write)
}

/// [`write_file_with`] through a given aside name (the compile cache needs
/// one per write: two threads may write the same component at once). The
/// aside file is removed when writing fails.
pub fn write_file_via(
    path: &Path,
    aside: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let result = (|| {
        let f = File::create(aside).with_context(|| format!("cannot create {}", aside.display()))?;
        let mut w = BufWriter::with_capacity(1 << 20, f);
        write(&mut w).with_context(|| format!("writing {}", aside.display()))?;
        let f = w.into_inner().map_err(|e| e.into_error()).with_context(|| format!("writing {}", aside.display()))?;
        f.sync_data().with_context(|| format!("syncing {}", aside.display()))?;
        std::fs::rename(aside, path).with_context(|| format!("renaming {} into place", aside.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(aside);
    }
    result
}

/// Remove finished outputs a new run will replace, so a failed run never
/// leaves an older run's file looking like this run's.
pub fn clear(paths: &[PathBuf]) -> anyhow::Result<()> {
    for p in paths {
        match std::fs::remove_file(p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("removing the old {}", p.display())),
        }
    }
    Ok(())
}

/// Create the output folder (and check it is writable).
pub fn ensure_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create output folder {}", dir.display()))?;
    let probe = dir.join(".logline-write-test");
    File::create(&probe).with_context(|| format!("output folder {} is not writable", dir.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// A file's identity for checkpoints: size and modification time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fingerprint {
    pub size: u64,
    pub modified_ns: u128,
}

pub fn fingerprint(path: &Path) -> anyhow::Result<Fingerprint> {
    let m = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    let modified_ns =
        m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
    Ok(Fingerprint { size: m.len(), modified_ns })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_renames_and_resume_truncates() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.ndjson");
        let mut w = AsideWriter::create(&p).unwrap();
        w.write_line("a").unwrap();
        let (bytes, lines) = w.sync().unwrap();
        w.write_line("b-not-checkpointed").unwrap();
        w.sync().unwrap();
        drop(w);
        assert!(!p.exists(), "not complete yet");
        let mut w = AsideWriter::resume(&p, bytes, lines).unwrap();
        w.write_line("c").unwrap();
        let (path, n) = w.commit().unwrap();
        assert_eq!(n, 2);
        assert_eq!(std::fs::read_to_string(path).unwrap(), "a\nc\n");
        assert!(!partial_path(&p).exists());
    }
}
